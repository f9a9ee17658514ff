import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { ServiceUnavailable } from "@executor/core"
import { Schema } from "effect"

export const HealthCheck = Schema.Struct({ name: Schema.String, ok: Schema.Boolean, message: Schema.String })

export const HealthStatus = Schema.Struct({
  status: Schema.Literal("ok", "degraded"),
  version: Schema.String,
  uptimeMs: Schema.Number,
  checks: Schema.Array(HealthCheck)
})

/** Public probes: no credential needed. */
export class HealthApi extends HttpApiGroup.make("health")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(HealthStatus))
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(Schema.Struct({ status: Schema.Literal("ready") }))
      .addError(ServiceUnavailable)
  )
  .prefix("/api") {}
