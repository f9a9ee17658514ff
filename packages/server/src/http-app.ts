import { HttpApi, HttpApiBuilder, HttpApiGroup } from "@effect/platform"
import { type Authorization, CoreApi } from "@executor/api"
import type { AnyPlugin, CoreServices } from "@executor/core"
import { Effect, Layer } from "effect"
import { openApiLayer, swaggerLayer } from "./docs"
import { type EdgeOptions, edgeMiddleware } from "./edge"
import { ConnectionsHandlers } from "./handlers/connections"
import { ExecutionsHandlers } from "./handlers/executions"
import { HealthHandlers } from "./handlers/health"
import { IntegrationsHandlers } from "./handlers/integrations"
import { PoliciesHandlers } from "./handlers/policies"
import { ProvidersHandlers } from "./handlers/providers"
import { ToolsHandlers } from "./handlers/tools"

export interface HttpAppOptions {
  readonly plugins: ReadonlyArray<AnyPlugin>
  readonly auth: Layer.Layer<Authorization>
  readonly edge?: Partial<EdgeOptions>
  /** Routes outside the HttpApi (e.g. MCP at `/mcp`), mounted on the same router and edge. */
  readonly routes?: ReadonlyArray<Layer.Layer<never, never, CoreServices | Authorization>>
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** The core API with every loaded plugin's group added. */
type ComposedApi = HttpApi.HttpApi<string, HttpApiGroup.HttpApiGroup.AnyWithProps>

// Group types of plugins are only known at run time; this checks the shape instead.
const isComposable = (u: unknown): u is ComposedApi => HttpApi.isHttpApi(u)
const isGroup = (u: unknown): u is HttpApiGroup.HttpApiGroup.AnyWithProps => HttpApiGroup.isHttpApiGroup(u)

export const composeApi = (plugins: ReadonlyArray<AnyPlugin>): ComposedApi => {
  const core: unknown = CoreApi
  if (!isComposable(core)) throw new TypeError("CoreApi is not an HttpApi")
  return plugins.reduce<ComposedApi>((api, plugin) => {
    const group: unknown = plugin.http?.group
    return isGroup(group) ? api.add(group) : api
  }, core)
}

const coreHandlers = Layer.mergeAll(
  HealthHandlers,
  ToolsHandlers,
  IntegrationsHandlers,
  ConnectionsHandlers,
  ProvidersHandlers,
  PoliciesHandlers,
  ExecutionsHandlers
)

/**
 * The whole HTTP surface under `/api`: core and plugin groups, Swagger UI at
 * `/api/docs`, the OpenAPI document at `/api/openapi.json`, behind the edge middleware.
 * Needs an `HttpServer` and the core services.
 */
export const httpAppLayer = (options: HttpAppOptions) => {
  const api = composeApi(options.plugins)
  const handlers = Layer.mergeAll(coreHandlers, ...options.plugins.flatMap((p) => (p.http ? [p.http.handlers] : [])))
  // HttpApiBuilder.api, with the composed API: its plugin groups are only known at run time,
  // and their handler layers above were type-checked against each plugin's own group.
  const apiLayer = Layer.effect(
    HttpApi.Api,
    Effect.map(Effect.context<never>(), (context) => ({ api, context }))
  ).pipe(Layer.provide(handlers))
  const edge = HttpApiBuilder.middleware(
    edgeMiddleware({
      maxBodyBytes: options.edge?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      bodyLimits: [...(options.edge?.bodyLimits ?? []), ...options.plugins.flatMap((p) => p.http?.bodyLimits ?? [])]
    })
  )
  const routes = Layer.mergeAll(Layer.empty, ...(options.routes ?? []))
  return HttpApiBuilder.serve().pipe(
    Layer.provide(edge),
    Layer.provide(routes),
    Layer.provide(swaggerLayer("/api/docs")),
    Layer.provide(openApiLayer("/api/openapi.json")),
    Layer.provide(apiLayer),
    Layer.provide(options.auth)
  )
}
