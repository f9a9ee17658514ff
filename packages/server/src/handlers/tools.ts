import { HttpApiBuilder } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Catalog } from "@executor/core"
import { Effect } from "effect"

export const ToolsHandlers = HttpApiBuilder.group(CoreApi, "tools", (handlers) =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    return handlers
      .handle("list", ({ urlParams }) =>
        catalog.list({
          ...urlParams,
          includeAnnotations: urlParams.includeAnnotations === "true",
          includeBlocked: urlParams.includeBlocked !== "false"
        })
      )
      .handle("schema", ({ urlParams }) => catalog.schema(urlParams.address))
  })
)
