import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Policies } from "@executor/core"
import { Effect } from "effect"

export const PoliciesHandlers = HttpApiBuilder.group(CoreApi, "policies", (handlers) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    return handlers
      .handle("list", ({ urlParams }) => policies.list(urlParams.owner))
      .handle("create", ({ payload }) => policies.create(payload))
      .handle("update", ({ path, payload }) => policies.update(path.policyId, payload))
      .handle("remove", ({ path, urlParams }) => policies.remove(path.policyId, urlParams.owner))
  })
)
