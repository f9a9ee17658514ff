import * as crypto from "node:crypto"
import { Authorization } from "@executor/api"
import { Unauthorized } from "@executor/core"
import { Effect, Layer, Redacted } from "effect"

const unauthorized = new Unauthorized({ message: "A valid bearer token is required (Authorization: Bearer <token>)" })

/** Constant-time comparison of equal-length digests, so timing says nothing about the token. */
const sameToken = (expected: Buffer, provided: string) =>
  crypto.timingSafeEqual(expected, crypto.createHash("sha256").update(provided, "utf8").digest())

/** The local daemon's single-user auth: one bearer token, held in the data dir. */
export const bearerTokenAuth = (token: Redacted.Redacted<string>) =>
  Layer.sync(Authorization, () => {
    const expected = crypto.createHash("sha256").update(Redacted.value(token), "utf8").digest()
    return {
      bearer: (provided) => {
        const value = Redacted.value(provided)
        // With no Authorization header the bearer decoder yields "", which must never pass.
        return value.length > 0 && sameToken(expected, value)
          ? Effect.succeed({ id: "local", kind: "local" as const })
          : Effect.fail(unauthorized)
      }
    }
  })
