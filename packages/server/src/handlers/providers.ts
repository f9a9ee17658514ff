import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { CredentialProviders } from "@executor/core"
import { Effect } from "effect"

export const ProvidersHandlers = HttpApiBuilder.group(CoreApi, "providers", (handlers) =>
  Effect.gen(function* () {
    const providers = yield* CredentialProviders
    return handlers
      .handle("list", () => providers.list)
      .handle("items", ({ path }) => Effect.flatMap(providers.get(path.key), (p) => p.items))
  })
)
