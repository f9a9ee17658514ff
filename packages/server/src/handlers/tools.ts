import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { Catalog } from "@executor/core"
import { Effect } from "effect"

export const ToolsHandlers = HttpApiBuilder.group(CoreApi, "tools", (handlers) =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    return handlers
      .handle("list", ({ urlParams }) =>
        // Rendered by the catalog (cached for the unfiltered list) instead of being encoded
        // per request; the items are `ToolSummary` values built by the same code either way.
        Effect.map(
          catalog.listJson({
            ...urlParams,
            includeAnnotations: urlParams.includeAnnotations === "true",
            includeBlocked: urlParams.includeBlocked !== "false"
          }),
          (json) => HttpServerResponse.text(json, { contentType: "application/json" })
        )
      )
      .handle("schema", ({ urlParams }) => catalog.schema(urlParams.address))
  })
)
