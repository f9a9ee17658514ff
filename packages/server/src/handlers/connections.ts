import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Connections, toolSummary } from "@executor/core"
import { Effect } from "effect"

export const ConnectionsHandlers = HttpApiBuilder.group(CoreApi, "connections", (handlers) =>
  Effect.gen(function* () {
    const connections = yield* Connections
    return handlers
      .handle("list", ({ urlParams }) => connections.list(urlParams))
      .handle("create", ({ payload }) => connections.create(payload))
      .handle("get", ({ path }) => connections.get(path))
      .handle("update", ({ path, payload }) => connections.update(path, payload))
      .handle("remove", ({ path }) => connections.remove(path))
      .handle("refresh", ({ path }) => Effect.map(connections.refresh(path), (tools) => tools.map(toolSummary)))
  })
)
