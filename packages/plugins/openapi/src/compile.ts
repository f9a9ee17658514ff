import type { AuthMethodDescriptor, ToolDefinition } from "@executor/core"
import { isRecord, type Json, text, truncate } from "./util"
import { deref, FILE_SCHEMA, SchemaTable } from "./schemas"
import { apiKeyParams, compileSecurity, paramKey, type SchemeUse } from "./security"

export type { SchemeUse }

/**
 * An OpenAPI 3 document compiled into what the plugin stores: the tool
 * definitions agents see, the operations calls are built from, the shared schema
 * definitions, and the auth methods of its security schemes.
 */

export type ParamLocation = "path" | "query" | "header" | "cookie"

export interface CompiledParameter {
  /** The key in the tool's input object. */
  readonly key: string
  /** The name on the wire. */
  readonly name: string
  readonly in: ParamLocation
  readonly required: boolean
  readonly style: string
  readonly explode: boolean
  /** Serialized as JSON text (a parameter described by `content`). */
  readonly json?: boolean
  /** Query values keep RFC 3986 reserved characters unescaped. */
  readonly allowReserved?: boolean
}

export type BodyKind = "json" | "form" | "multipart" | "binary" | "text"

export interface CompiledBody {
  readonly mediaType: string
  readonly kind: BodyKind
  readonly required: boolean
}

export interface CompiledOperation {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly parameters: ReadonlyArray<CompiledParameter>
  readonly body?: CompiledBody
  /** `false` when the operation declares that it needs no authentication. */
  readonly authenticated: boolean
  /**
   * An operation- or path-level server (variables filled with their defaults; may be
   * relative) that replaces the document's, unless the integration sets `baseUrl`.
   */
  readonly server?: string
}

export interface ServerInfo {
  readonly url: string
  readonly description?: string
  readonly variables?: Readonly<Record<string, { readonly default: string; readonly enum?: ReadonlyArray<string> }>>
}

export interface CompiledSpec {
  readonly title: string
  readonly version: string
  readonly description: string
  readonly servers: ReadonlyArray<ServerInfo>
  readonly tags: ReadonlyArray<string>
  readonly operations: ReadonlyArray<CompiledOperation>
  readonly tools: ReadonlyArray<ToolDefinition>
  readonly definitions: Readonly<Record<string, unknown>>
  readonly authMethods: ReadonlyArray<AuthMethodDescriptor>
  readonly schemes: Readonly<Record<string, SchemeUse>>
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const
const WRITES = new Set(["post", "put", "patch", "delete"])
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"])
const MAX_TOOL_DESCRIPTION = 1_500

const words = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)

/** `list-for-org`, `List for org` and `list_for_org` all become `listForOrg`. */
export const camel = (text: string) => {
  const parts = words(text)
  return parts.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join("")
}

const VERSIONISH = /^(api|rest|v\d+([._-]\d+)*|\d+([._-]\d+)*)$/i

/** The first path segment that names something: not a version, not `api`, not a parameter. */
const pathGroup = (path: string) => path.split("/").find((s) => s.length > 0 && !s.startsWith("{") && !VERSIONISH.test(s))

const identifier = (text: string, fallback: string) => {
  const id = camel(text)
  return id.length > 0 ? id : fallback
}

/** `get /v1/pets/{petId}/photos` → `getPetsByPetIdPhotos`. */
const nameFromPath = (method: string, path: string) =>
  camel(
    [
      method,
      ...path
        .split("/")
        .filter((s) => s.length > 0 && !VERSIONISH.test(s))
        .map((s) => (s.startsWith("{") ? `by ${s.slice(1, -1)}` : s))
    ].join(" ")
  )

const operationName = (method: string, path: string, operation: Json, used: Set<string>) => {
  const tag = Array.isArray(operation.tags) && typeof operation.tags[0] === "string" ? operation.tags[0] : undefined
  const group = identifier(tag ?? pathGroup(path) ?? "", "root")
  let op = typeof operation.operationId === "string" ? camel(operation.operationId) : ""
  // GitHub-style ids repeat the group (`repos/list-for-org` in group `repos`).
  if (op.toLowerCase().startsWith(group.toLowerCase()) && /^[A-Z0-9]/.test(op.slice(group.length))) {
    op = op.slice(group.length)
    op = op[0]!.toLowerCase() + op.slice(1)
  }
  if (op.length === 0) op = nameFromPath(method, path) || method
  const base = `${group}.${op}`
  let name = base
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}${i}`
  used.add(name.toLowerCase())
  return name
}


const JSONISH = /json/i
const preferBody = (types: ReadonlyArray<string>) =>
  types.find((t) => JSONISH.test(t)) ??
  types.find((t) => t === "application/x-www-form-urlencoded") ??
  types.find((t) => t.startsWith("multipart/")) ??
  types.find((t) => t === "application/octet-stream") ??
  types.find((t) => t.startsWith("text/")) ??
  types[0]

const bodyKind = (mediaType: string): BodyKind => {
  if (JSONISH.test(mediaType) || mediaType === "*/*") return "json"
  if (mediaType === "application/x-www-form-urlencoded") return "form"
  if (mediaType.startsWith("multipart/")) return "multipart"
  if (mediaType.startsWith("text/") || /xml|yaml|csv/.test(mediaType)) return "text"
  return "binary"
}

/** Whether a response media type is read as a file value rather than JSON or text. */
export const isBinaryMedia = (mediaType: string) => bodyKind(mediaType.split(";")[0]!.trim().toLowerCase()) === "binary"

const SUCCESS = ["200", "201", "2XX", "2xx", "202", "203", "206"]

const outputSchema = (doc: Json, table: SchemaTable, responses: unknown): unknown => {
  if (!isRecord(responses)) return undefined
  const status =
    SUCCESS.find((s) => s in responses) ?? Object.keys(responses).find((s) => s.startsWith("2")) ?? ("default" in responses ? "default" : undefined)
  if (status === undefined) return undefined
  const response = deref(doc, responses[status])
  const content = isRecord(response?.content) ? response.content : undefined
  if (!content) return undefined
  const types = Object.keys(content)
  const type = types.find((t) => JSONISH.test(t)) ?? types[0]
  if (type === undefined) return undefined
  if (isBinaryMedia(type)) return FILE_SCHEMA
  const media = content[type]
  return isRecord(media) && media.schema !== undefined ? table.rewrite(media.schema) : undefined
}

const defaultStyle = (location: ParamLocation) => (location === "query" || location === "cookie" ? "form" : "simple")

const compileOperation = (
  doc: Json,
  table: SchemaTable,
  path: string,
  method: string,
  operation: Json,
  shared: ReadonlyArray<unknown>,
  name: string,
  context: { readonly pathServers: unknown; readonly keyParams: ReadonlySet<string>; readonly docSecurity: unknown }
) => {
  const byLocation = new Map<string, Json>()
  for (const raw of [...shared, ...(Array.isArray(operation.parameters) ? operation.parameters : [])]) {
    const param = deref(doc, raw)
    if (!param || typeof param.name !== "string" || typeof param.in !== "string") continue
    if (!["path", "query", "header", "cookie"].includes(param.in)) continue
    if (param.in === "header" && IGNORED_HEADERS.has(param.name.toLowerCase())) continue
    // An API key the description also lists as a parameter is filled from the connection, not by the agent.
    if (context.keyParams.has(paramKey(param.in, param.name))) continue
    // Header names are case-insensitive: an operation's `x-foo` replaces its path item's `X-Foo`.
    byLocation.set(paramKey(param.in, param.name), param)
  }
  const properties: Json = {}
  const required: Array<string> = []
  const parameters: Array<CompiledParameter> = []
  const taken = new Set<string>()

  const body = deref(doc, operation.requestBody)
  const content = isRecord(body?.content) ? body.content : undefined
  const mediaType = content ? preferBody(Object.keys(content)) : undefined
  let compiledBody: CompiledBody | undefined
  if (content && mediaType !== undefined) {
    taken.add("body")
    const media = content[mediaType]
    const kind = bodyKind(mediaType.toLowerCase())
    const schema = kind === "binary" ? { ...FILE_SCHEMA } : isRecord(media) && media.schema !== undefined ? table.rewrite(media.schema) : {}
    properties.body = isRecord(schema) && text(body?.description) && !("$ref" in schema) ? { ...schema, description: truncate(text(body?.description), 600) } : schema
    compiledBody = { mediaType, kind, required: body?.required === true }
    if (compiledBody.required) required.push("body")
  }

  for (const param of byLocation.values()) {
    const location = param.in as ParamLocation
    const wire = String(param.name)
    let key = wire
    if (taken.has(key)) key = `${location}_${wire}`
    for (let i = 2; taken.has(key); i++) key = `${location}_${wire}${i}`
    taken.add(key)
    const paramContent = isRecord(param.content) ? param.content : undefined
    const contentSchema = paramContent ? Object.values(paramContent).find(isRecord)?.schema : undefined
    const schema = table.rewrite(param.schema ?? contentSchema ?? {})
    const description = text(param.description)
    properties[key] = isRecord(schema) && description && !("$ref" in schema) ? { ...schema, description: truncate(description, 600) } : schema
    const isRequired = location === "path" || param.required === true
    if (isRequired) required.push(key)
    const style = typeof param.style === "string" ? param.style : defaultStyle(location)
    parameters.push({
      key,
      name: wire,
      in: location,
      required: isRequired,
      style,
      explode: typeof param.explode === "boolean" ? param.explode : style === "form",
      ...(param.allowReserved === true ? { allowReserved: true } : {}),
      ...(paramContent && !param.schema ? { json: true } : {})
    })
  }

  const security = operation.security ?? context.docSecurity
  const authenticated = !(Array.isArray(security) && security.length === 0)
  const summary = text(operation.summary)
  const details = text(operation.description)
  const description = truncate(
    [summary, details && details !== summary ? details : "", `${method.toUpperCase()} ${path}`].filter((s) => s).join("\n\n"),
    MAX_TOOL_DESCRIPTION
  )
  const server = compileServers({ servers: operation.servers })[0] ?? compileServers({ servers: context.pathServers })[0]
  const compiled: CompiledOperation = {
    name,
    method: method.toUpperCase(),
    path,
    parameters,
    ...(compiledBody ? { body: compiledBody } : {}),
    authenticated,
    ...(server ? { server: fillServer(server) } : {})
  }
  const output = outputSchema(doc, table, operation.responses)
  const tool: ToolDefinition = {
    name,
    description,
    inputSchema: { type: "object", properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    ...(isRecord(output) ? { outputSchema: output } : {}),
    requiresApproval: WRITES.has(method),
    ...(WRITES.has(method) ? { approvalDescription: `${method.toUpperCase()} ${path}` } : {})
  }
  return { compiled, tool }
}

/** `{var}`s of a server URL filled with their defaults. */
export const fillServer = (server: ServerInfo) =>
  server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => server.variables?.[name]?.default ?? whole)


const compileServers = (doc: Json): Array<ServerInfo> =>
  (Array.isArray(doc.servers) ? doc.servers : []).filter(isRecord).flatMap((server): Array<ServerInfo> => {
    if (typeof server.url !== "string") return []
    const variables: Record<string, { default: string; enum?: Array<string> }> = {}
    for (const [name, v] of Object.entries(isRecord(server.variables) ? server.variables : {})) {
      if (!isRecord(v)) continue
      variables[name] = {
        default: String(v.default ?? ""),
        ...(Array.isArray(v.enum) ? { enum: v.enum.map(String) } : {})
      }
    }
    return [
      {
        url: server.url,
        ...(typeof server.description === "string" ? { description: server.description } : {}),
        ...(Object.keys(variables).length > 0 ? { variables } : {})
      }
    ]
  })

/** Compiles a validated OpenAPI 3 document. Deterministic: the same document gives the same names. */
export const compile = (doc: Json): CompiledSpec => {
  const info = isRecord(doc.info) ? doc.info : {}
  const table = new SchemaTable(doc)
  const used = new Set<string>()
  const operations: Array<CompiledOperation> = []
  const tools: Array<ToolDefinition> = []
  const tags = new Set<string>()
  const keyParams = apiKeyParams(doc)
  for (const [path, rawItem] of Object.entries(isRecord(doc.paths) ? doc.paths : {})) {
    const item = deref(doc, rawItem)
    if (!item) continue
    const shared = Array.isArray(item.parameters) ? item.parameters : []
    for (const method of METHODS) {
      const operation = item[method]
      if (!isRecord(operation)) continue
      for (const tag of Array.isArray(operation.tags) ? operation.tags : []) if (typeof tag === "string") tags.add(tag)
      const name = operationName(method, path, operation, used)
      const { compiled, tool } = compileOperation(doc, table, path, method, operation, shared, name, {
        pathServers: item.servers,
        keyParams,
        docSecurity: doc.security
      })
      operations.push(compiled)
      tools.push(tool)
    }
  }
  const { methods, uses } = compileSecurity(doc)
  return {
    title: text(info.title) || "API",
    version: text(info.version),
    description: truncate(text(info.description), 2_000),
    servers: compileServers(doc),
    tags: [...tags],
    operations,
    tools,
    definitions: table.drain(),
    authMethods: methods,
    schemes: uses
  }
}
