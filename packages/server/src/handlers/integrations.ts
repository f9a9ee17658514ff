import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Integrations } from "@executor/core"
import { Effect } from "effect"

export const IntegrationsHandlers = HttpApiBuilder.group(CoreApi, "integrations", (handlers) =>
  Effect.gen(function* () {
    const integrations = yield* Integrations
    return handlers
      .handle("list", () => integrations.list())
      .handle("get", ({ path }) => integrations.get(path.slug))
      .handle("update", ({ path, payload }) => integrations.update(path.slug, payload))
      .handle("remove", ({ path }) => integrations.remove(path.slug))
      .handle("detect", ({ payload }) => integrations.detect(payload.url))
  })
)
