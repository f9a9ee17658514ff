import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import {
  DetectIntegrationPayload,
  Integration,
  IntegrationDetectionResult,
  IntegrationNotFoundError,
  IntegrationRemovalNotAllowedError,
  IntegrationSlug,
  UpdateIntegrationPayload
} from "@executor/core"
import { Schema } from "effect"
import { Authorization } from "@executor/core"

const SlugParam = Schema.Struct({ slug: IntegrationSlug })

export const Removed = Schema.Struct({ removed: Schema.Literal(true) })

export class IntegrationsApi extends HttpApiGroup.make("integrations")
  .add(HttpApiEndpoint.get("list", "/integrations").addSuccess(Schema.Array(Integration)))
  .add(HttpApiEndpoint.get("get", "/integrations/:slug").setPath(SlugParam).addSuccess(Integration).addError(IntegrationNotFoundError))
  .add(
    HttpApiEndpoint.patch("update", "/integrations/:slug")
      .setPath(SlugParam)
      .setPayload(UpdateIntegrationPayload)
      .addSuccess(Integration)
      .addError(IntegrationNotFoundError)
      .addError(IntegrationRemovalNotAllowedError)
  )
  .add(
    HttpApiEndpoint.del("remove", "/integrations/:slug")
      .setPath(SlugParam)
      .addSuccess(Removed)
      .addError(IntegrationNotFoundError)
      .addError(IntegrationRemovalNotAllowedError)
  )
  .add(
    HttpApiEndpoint.post("detect", "/integrations/detect")
      .setPayload(DetectIntegrationPayload)
      .addSuccess(Schema.Array(IntegrationDetectionResult))
  )
  .middleware(Authorization)
  .prefix("/api") {}
