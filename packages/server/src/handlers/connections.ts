import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Connections } from "@executor/core"
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
      .handle("refresh", ({ path }) =>
        connections.refresh(path).pipe(
          Effect.map((tools) =>
            tools.map((t) => ({
              address: t.address,
              owner: t.owner,
              integration: t.integration,
              connection: t.connection,
              name: t.name,
              pluginId: t.pluginId,
              description: t.description
            }))
          )
        )
      )
  })
)
