import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Unauthorized } from "../domain/errors"
import { Context } from "effect"

/** Who is calling. The local daemon has a single principal; self-host has users. */
export class Principal extends Context.Tag("executor/api/Principal")<
  Principal,
  { readonly id: string; readonly kind: "local" | "user" | "api-key" }
>() {}

/**
 * Guards every non-public group. Hosts implement it (bearer token, session, API key);
 * a request without a valid credential gets a 401 `Unauthorized`.
 */
export class Authorization extends HttpApiMiddleware.Tag<Authorization>()("executor/api/Authorization", {
  failure: Unauthorized,
  provides: Principal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}
