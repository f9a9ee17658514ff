import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import {
  CreatePolicyPayload,
  InvalidPolicyPatternError,
  Owner,
  Policy,
  PolicyId,
  PolicyNotFoundError,
  PolicyOwnerParam,
  UpdatePolicyPayload
} from "@executor/core"
import { Schema } from "effect"
import { Authorization } from "@executor/core"
import { Removed } from "./integrations"

const IdParam = Schema.Struct({ policyId: PolicyId })

export class PoliciesApi extends HttpApiGroup.make("policies")
  .add(
    HttpApiEndpoint.get("list", "/policies")
      .setUrlParams(Schema.Struct({ owner: Schema.optional(Owner) }))
      .addSuccess(Schema.Array(Policy))
  )
  .add(
    HttpApiEndpoint.post("create", "/policies")
      .setPayload(CreatePolicyPayload)
      .addSuccess(Policy, { status: 201 })
      .addError(InvalidPolicyPatternError)
  )
  .add(
    HttpApiEndpoint.patch("update", "/policies/:policyId")
      .setPath(IdParam)
      .setPayload(UpdatePolicyPayload)
      .addSuccess(Policy)
      .addError(PolicyNotFoundError)
      .addError(InvalidPolicyPatternError)
  )
  .add(
    HttpApiEndpoint.del("remove", "/policies/:policyId")
      .setPath(IdParam)
      .setUrlParams(PolicyOwnerParam)
      .addSuccess(Removed)
      .addError(PolicyNotFoundError)
  )
  .middleware(Authorization)
  .prefix("/api") {}
