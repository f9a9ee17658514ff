import { HttpApi, HttpApiBuilder } from "@effect/platform"
import {
  type Authorization,
  Connections,
  type ExecutorPlugin,
  type IntegrationRecord,
  IntegrationAlreadyExistsError,
  IntegrationNotFoundError,
  Integrations,
  SecretKey,
  sealIntegrationValue,
  ToolDiscoveryError,
  toolError,
  VERSION
} from "@executor/core"
import { Effect, Option } from "effect"
import { InvalidOpenApiSpecError, OpenApiGroup, OpenApiSpecFetchError, type SpecSource } from "./api"
import { DEFAULT_TIMEOUT_MS, send } from "./call"
import { compile, type CompiledOperation, type CompiledSpec } from "./compile"
import { asOpenApi3, fetchDocument, loadDocument, MAX_DOCUMENT_BYTES } from "./document"
import { isRecord, type Json } from "./util"
import { buildRequest, resolveBaseUrl } from "./request"

export const PLUGIN_ID = "openapi"
export const USER_AGENT = `executor/${VERSION}`

/** What an OpenAPI integration keeps in its config. Header and query values are sealed. */
export interface StoredConfig {
  readonly format: 1
  readonly source: { readonly kind: "url"; readonly url: string } | { readonly kind: "blob" }
  readonly baseUrl: string | null
  readonly headers: Readonly<Record<string, string>>
  readonly queryParams: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly openapi: string
  readonly spec: CompiledSpec
}

const isStoredConfig = (u: unknown): u is StoredConfig =>
  isRecord(u) && u.format === 1 && isRecord(u.spec) && Array.isArray(u.spec.operations) && Array.isArray(u.spec.tools) && isRecord(u.source)

interface Prepared {
  readonly config: StoredConfig
  readonly operations: ReadonlyMap<string, CompiledOperation>
  readonly baseUrl: string | undefined
  /** Unsealed on the first call. */
  opened?: { readonly headers: Record<string, string>; readonly queryParams: Record<string, string> }
}

// Keyed by the config object: the integrations repository hands out the same object until the row changes.
const prepared = new WeakMap<object, Prepared>()

const prepare = (integration: IntegrationRecord): Prepared | undefined => {
  const config = integration.config
  if (!isStoredConfig(config)) return undefined
  const known = prepared.get(config)
  if (known) return known
  const made: Prepared = {
    config,
    operations: new Map(config.spec.operations.map((op) => [op.name, op])),
    baseUrl: resolveBaseUrl(config.spec.servers, config.source.kind === "url" ? config.source.url : undefined, config.baseUrl ?? undefined)
  }
  prepared.set(config, made)
  return made
}

const unsealAll = (values: Readonly<Record<string, string>>, unseal: (sealed: string) => string | undefined) =>
  Object.fromEntries(Object.entries(values).flatMap(([name, sealed]) => {
    const value = unseal(sealed)
    return value === undefined ? [] : [[name, value]]
  }))

/** A document from a URL or a blob, as an OpenAPI 3 object, with the errors the routes declare. */
const loadSource = (source: SpecSource) =>
  Effect.gen(function* () {
    if (source.kind === "url") {
      const text = yield* fetchDocument(source.url, USER_AGENT).pipe(
        Effect.mapError((e) => new OpenApiSpecFetchError({ url: source.url, message: e.message }))
      )
      return { doc: yield* loadDocument(text), url: source.url }
    }
    const doc = typeof source.value === "string" ? yield* loadDocument(source.value) : yield* asOpenApi3(source.value)
    return { doc, url: undefined }
  }).pipe(Effect.catchTag("InvalidDocument", (e) => Effect.fail(new InvalidOpenApiSpecError({ message: e.message }))))

const compileDocument = (doc: Json) =>
  Effect.try({
    try: () => compile(doc),
    catch: (error) =>
      new InvalidOpenApiSpecError({
        message: `The OpenAPI description could not be read: ${error instanceof Error ? error.message : String(error)}`
      })
  })

const versionOf = (doc: Json) => String(doc["x-converted-from"] === "swagger-2.0" ? "2.0" : doc.openapi)

const notOpenApi = (slug: string) => new IntegrationNotFoundError({ slug, message: `"${slug}" is not an OpenAPI integration` })

const openApiRecord = (integrations: Integrations, slug: string) =>
  Effect.flatMap(integrations.getRecord(slug), (record) => {
    const config = record.config
    return record.kind === PLUGIN_ID && isStoredConfig(config) ? Effect.succeed({ record, config }) : Effect.fail(notOpenApi(slug))
  })

const sourceView = (config: StoredConfig) => (config.source.kind === "url" ? { kind: "url" as const, url: config.source.url } : { kind: "blob" as const })

const OpenApiOnly = HttpApi.make("executor").add(OpenApiGroup)

const handlers = HttpApiBuilder.group(OpenApiOnly, "openapi", (h) =>
  Effect.gen(function* () {
    const integrations = yield* Integrations
    const connections = yield* Connections
    const secretKey = yield* SecretKey

    const seal = (slug: string, values: Readonly<Record<string, string>> | undefined) =>
      Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [name, sealIntegrationValue(secretKey.key, slug, value)]))

    return h
      .handle("preview", ({ payload }) =>
        Effect.gen(function* () {
          const { doc } = yield* loadSource(payload.spec)
          const spec = yield* compileDocument(doc)
          return {
            title: spec.title,
            version: spec.version,
            description: spec.description,
            openapi: versionOf(doc),
            servers: spec.servers,
            authMethods: spec.authMethods,
            operationCount: spec.operations.length,
            tags: spec.tags
          }
        })
      )
      .handle("addSpec", ({ payload }) =>
        Effect.gen(function* () {
          const existing = yield* Effect.option(integrations.getRecord(payload.slug))
          // Checked before the work of fetching and compiling; register checks again.
          if (Option.isSome(existing)) return yield* Effect.fail(IntegrationAlreadyExistsError.of(payload.slug))
          const { doc, url } = yield* loadSource(payload.spec)
          const spec = yield* compileDocument(doc)
          const config: StoredConfig = {
            format: 1,
            source: url ? { kind: "url", url } : { kind: "blob" },
            baseUrl: payload.baseUrl ?? null,
            headers: seal(payload.slug, payload.headers),
            queryParams: seal(payload.slug, payload.queryParams),
            timeoutMs: payload.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            openapi: versionOf(doc),
            spec
          }
          yield* integrations.register({
            slug: payload.slug,
            kind: PLUGIN_ID,
            name: payload.name ?? spec.title,
            description: payload.description ?? spec.description,
            displayUrl: url ?? resolveBaseUrl(spec.servers, undefined, payload.baseUrl) ?? null,
            authMethods: spec.authMethods,
            config
          })
          return { slug: payload.slug, toolCount: spec.tools.length }
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const { record, config } = yield* openApiRecord(integrations, path.slug)
          return {
            slug: record.slug,
            name: record.name,
            description: record.description,
            title: config.spec.title,
            version: config.spec.version,
            source: sourceView(config),
            baseUrl: prepare(record)?.baseUrl ?? null,
            servers: config.spec.servers,
            authMethods: record.authMethods,
            toolCount: config.spec.tools.length,
            // Operations and tools are compiled side by side, in the same order.
            operations: config.spec.operations.map((op, i) => ({
              name: op.name,
              method: op.method,
              path: op.path,
              requiresApproval: config.spec.tools[i]?.requiresApproval ?? false
            }))
          }
        })
      )
      .handle("config", ({ path }) =>
        Effect.map(openApiRecord(integrations, path.slug), ({ config }) => ({
          source: sourceView(config),
          baseUrl: config.baseUrl,
          headers: Object.keys(config.headers),
          queryParams: Object.keys(config.queryParams),
          timeoutMs: config.timeoutMs
        }))
      )
      .handle("updateSpec", ({ path, payload }) =>
        Effect.gen(function* () {
          const { record, config } = yield* openApiRecord(integrations, path.slug)
          const source: SpecSource | undefined = payload.spec ?? (config.source.kind === "url" ? { kind: "url", url: config.source.url } : undefined)
          if (!source) {
            return yield* new InvalidOpenApiSpecError({
              message: `"${path.slug}" was registered from a document, not a URL: give the new document as spec`
            })
          }
          const { doc, url } = yield* loadSource(source)
          const spec = yield* compileDocument(doc)
          const before = new Set(config.spec.tools.map((t) => t.name))
          const after = new Set(spec.tools.map((t) => t.name))
          const next: StoredConfig = { ...config, source: url ? { kind: "url", url } : { kind: "blob" }, openapi: versionOf(doc), spec }
          yield* integrations.replaceConfig(record.slug, { config: next, authMethods: spec.authMethods, ...(url ? { displayUrl: url } : {}) })
          const warnings: Array<string> = []
          const templates = new Set(spec.authMethods.map((m) => m.template))
          for (const c of yield* connections.list({ integration: record.slug })) {
            if (!templates.has(c.template)) {
              warnings.push(`Connection ${c.owner}.${c.name} uses the auth template "${c.template}", which the new description does not have: recreate it`)
            }
            yield* connections.refresh({ owner: c.owner, integration: c.integration, name: c.name }).pipe(
              Effect.catchAll((e) => Effect.sync(() => warnings.push(`Connection ${c.owner}.${c.name} kept its previous tools: ${e.message}`)))
            )
          }
          return {
            ...(warnings.length > 0 ? { warnings } : {}),
            toolCount: spec.tools.length,
            addedTools: [...after].filter((n) => !before.has(n)),
            removedTools: [...before].filter((n) => !after.has(n))
          }
        })
      )
      .handle("remove", ({ path }) => Effect.flatMap(openApiRecord(integrations, path.slug), () => integrations.remove(path.slug)))
  })
)

/** Request bodies on these routes may be whole descriptions (GitHub's is 13 MB). */
const BODY_LIMIT = MAX_DOCUMENT_BYTES

export const openApiPlugin: ExecutorPlugin<typeof OpenApiGroup, Integrations | Connections | SecretKey | Authorization> = {
  id: PLUGIN_ID,
  name: "OpenAPI",
  http: { group: OpenApiGroup, handlers, bodyLimits: [{ pathPrefix: "/api/openapi/", bytes: BODY_LIMIT }] },
  detect: (url) =>
    fetchDocument(url, USER_AGENT).pipe(
      Effect.flatMap(loadDocument),
      Effect.map((doc) => {
        const info = isRecord(doc.info) ? doc.info : {}
        const title = typeof info.title === "string" && info.title.trim() ? info.title.trim() : new URL(url).hostname
        const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, 64) || "api"
        return Option.some({ kind: PLUGIN_ID, confidence: "high" as const, endpoint: url, name: title, slug })
      }),
      Effect.orElseSucceed(() => Option.none())
    ),
  listTools: ({ integration }) => {
    const ready = prepare(integration)
    return ready
      ? Effect.succeed(ready.config.spec.tools)
      : Effect.fail(new ToolDiscoveryError({ integration: integration.slug, message: `The stored OpenAPI config of "${integration.slug}" is unreadable` }))
  },
  invokeTool: ({ integration, connection, tool, args, signal, unseal }) => {
    const ready = prepare(integration)
    const operation = ready?.operations.get(tool)
    if (!ready || !operation) return Effect.succeed(toolError("tool_not_found", `"${integration.slug}" has no operation "${tool}"`))
    const scheme = ready.config.spec.schemes[connection.template]
    if (!scheme) {
      const known = Object.keys(ready.config.spec.schemes).join(", ")
      return Effect.succeed(
        toolError(
          "connection_unavailable",
          `The connection "${connection.name}" uses the auth template "${connection.template}", which the current description of "${integration.slug}" no longer has: recreate it with one of ${known}`
        )
      )
    }
    ready.opened ??= { headers: unsealAll(ready.config.headers, unseal), queryParams: unsealAll(ready.config.queryParams, unseal) }
    const opened = ready.opened
    let built: ReturnType<typeof buildRequest>
    try {
      built = buildRequest(operation, args, {
        baseUrl: ready.baseUrl,
        baseUrlOverridden: ready.config.baseUrl !== null,
        headers: opened.headers,
        queryParams: opened.queryParams,
        scheme,
        credentials: connection.credentials,
        userAgent: USER_AGENT
      })
    } catch {
      // Whatever fetch's Headers or URL refused; its message may quote a value, so it is not repeated.
      return Effect.succeed(toolError("invalid_arguments", `The arguments cannot be made into an HTTP request for ${operation.method} ${operation.path}`))
    }
    if (!built.ok) return Effect.succeed(toolError(built.code, built.message))
    return send({
      url: built.url,
      init: built.init,
      credentialHeaders: built.credentialHeaders,
      credentialQuery: built.credentialQuery,
      timeoutMs: ready.config.timeoutMs,
      signal,
      secrets: [
        ...Object.values(connection.credentials),
        ...Object.values(opened.headers),
        ...Object.values(opened.queryParams),
        ...(scheme.kind === "basic"
          ? [Buffer.from(`${connection.credentials.username ?? ""}:${connection.credentials.password ?? ""}`, "utf8").toString("base64")]
          : [])
      ]
    })
  },
  schemaDefinitions: (integration) => prepare(integration)?.config.spec.definitions ?? {}
}
