import { HttpApi, OpenApi } from "@effect/platform"
import { InternalError, InvalidRequestError, PayloadTooLargeError } from "@executor/core"
import { ConnectionsApi } from "./connections"
import { ExecutionsApi } from "./executions"
import { HealthApi } from "./health"
import { IntegrationsApi } from "./integrations"
import { PoliciesApi } from "./policies"
import { ProvidersApi } from "./providers"
import { ToolsApi } from "./tools"

/** The core contract: every group seed 003 names that exists so far, plus the public probes. */
export const CoreApi = HttpApi.make("executor")
  .add(HealthApi)
  .add(ToolsApi)
  .add(IntegrationsApi)
  .add(ConnectionsApi)
  .add(ProvidersApi)
  .add(PoliciesApi)
  .add(ExecutionsApi)
  .addError(InternalError)
  .addError(InvalidRequestError)
  .addError(PayloadTooLargeError)
  .annotate(OpenApi.Title, "Executor API")
  .annotate(OpenApi.Description, "Governed access to many APIs through one door. Send `Authorization: Bearer <token>`.")

export type CoreApi = typeof CoreApi
