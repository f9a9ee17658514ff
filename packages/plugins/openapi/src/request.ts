import type { CredentialValues } from "@executor/core"
import { type CompiledOperation, type CompiledParameter, fillServer, type SchemeUse, type ServerInfo } from "./compile"
import { isRecord } from "./util"

/** A request ready for `fetch`, or the reason the arguments cannot make one. */
export type BuiltRequest =
  | {
      readonly ok: true
      readonly url: string
      readonly init: RequestInit & { headers: Headers }
      /** What carries credentials, so a redirect to another origin can leave it behind. */
      readonly credentialHeaders: ReadonlyArray<string>
      readonly credentialQuery: ReadonlyArray<string>
    }
  | { readonly ok: false; readonly code: string; readonly message: string }

export interface RequestContext {
  readonly baseUrl: string | undefined
  /** The integration sets its own base URL: operation servers in the description are not used. */
  readonly baseUrlOverridden?: boolean
  readonly headers: Readonly<Record<string, string>>
  readonly queryParams: Readonly<Record<string, string>>
  readonly scheme: SchemeUse | undefined
  readonly credentials: CredentialValues
  readonly userAgent: string
}

const invalid = (message: string): BuiltRequest => ({ ok: false, code: "invalid_arguments", message })

/** An absolute http(s) URL, or undefined (a template left unfilled, a placeholder host, no base for a relative one). */
const absolute = (raw: string, base: string | undefined) => {
  try {
    const url = base ? new URL(raw, base) : new URL(raw)
    return (url.protocol === "http:" || url.protocol === "https:") && !/[{}<>]/.test(decodeURI(url.href)) ? url.toString() : undefined
  } catch {
    return undefined
  }
}

/** The base URL calls go to: the override, else the first server resolved against the document's URL. */
export const resolveBaseUrl = (servers: ReadonlyArray<ServerInfo>, sourceUrl: string | undefined, override: string | undefined) => {
  if (override) return override
  const first = servers[0]
  if (!first) return sourceUrl ? absolute("/", sourceUrl) : undefined
  return absolute(fillServer(first), sourceUrl)
}

const scalar = (value: unknown): string =>
  value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)

const enc = encodeURIComponent

/** Path parameter values per `style` (simple, label, matrix) and `explode`. */
const pathValue = (param: CompiledParameter, value: unknown): string => {
  const { style, explode, name } = param
  if (Array.isArray(value)) {
    const items = value.map((v) => enc(scalar(v)))
    if (style === "label") return `.${items.join(explode ? "." : ",")}`
    if (style === "matrix") return explode ? items.map((v) => `;${name}=${v}`).join("") : `;${name}=${items.join(",")}`
    return items.join(",")
  }
  if (isRecord(value)) {
    const pairs = Object.entries(value).map(([k, v]) => [enc(k), enc(scalar(v))] as const)
    const joined = explode ? pairs.map(([k, v]) => `${k}=${v}`).join(style === "label" ? "." : style === "matrix" ? ";" : ",") : pairs.flat().join(",")
    if (style === "label") return `.${joined}`
    if (style === "matrix") return explode ? `;${joined}` : `;${name}=${joined}`
    return joined
  }
  const v = enc(scalar(value))
  if (style === "label") return `.${v}`
  if (style === "matrix") return `;${name}=${v}`
  return v
}

/** Query pairs per `style` (form, spaceDelimited, pipeDelimited, deepObject) and `explode`. */
/** With `allowReserved`, RFC 3986 reserved characters other than the query's own delimiters stay as they are. */
const keepReserved = (encoded: string) => encoded.replace(/%(2F|3A|40|21|24|27|28|29|2A|2C|3B|3F|5B|5D)/gi, (m) => decodeURIComponent(m))

const queryPairs = (param: CompiledParameter, value: unknown): Array<string> => {
  const { name, style, explode } = param
  const encValue = param.allowReserved ? (v: string) => keepReserved(enc(v)) : enc
  if (param.json) return [`${enc(name)}=${enc(JSON.stringify(value))}`]
  if (Array.isArray(value)) {
    const items = value.map((v) => encValue(scalar(v)))
    if (explode) return items.map((v) => `${enc(name)}=${v}`)
    if (style === "spaceDelimited") return [`${enc(name)}=${items.join("%20")}`]
    if (style === "pipeDelimited") return [`${enc(name)}=${items.join("|")}`]
    return [`${enc(name)}=${items.join(",")}`]
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
    if (style === "deepObject") return entries.map(([k, v]) => `${enc(name)}%5B${enc(k)}%5D=${enc(scalar(v))}`)
    if (explode) return entries.map(([k, v]) => `${enc(k)}=${enc(scalar(v))}`)
    return [`${enc(name)}=${entries.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(",")}`]
  }
  return [`${enc(name)}=${encValue(scalar(value))}`]
}

const headerValue = (param: CompiledParameter, value: unknown) => {
  if (param.json) return JSON.stringify(value)
  if (Array.isArray(value)) return value.map(scalar).join(",")
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([k, v]) => (param.explode ? `${k}=${scalar(v)}` : `${k},${scalar(v)}`))
      .join(",")
  }
  return scalar(value)
}

interface FileValue {
  readonly base64: string
  readonly name?: string
  readonly mimeType?: string
}

const isFile = (u: unknown): u is FileValue => isRecord(u) && u.type === "file" && typeof u.base64 === "string"

const fileBlob = (file: FileValue) => new Blob([Buffer.from(file.base64, "base64")], { type: file.mimeType ?? "application/octet-stream" })

const formBody = (value: unknown) => {
  const form = new URLSearchParams()
  if (!isRecord(value)) return form
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const item of v) form.append(key, scalar(item))
    else form.append(key, scalar(v))
  }
  return form
}

const multipartBody = (value: unknown) => {
  const form = new FormData()
  if (!isRecord(value)) return form
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue
    const items = Array.isArray(v) ? v : [v]
    for (const item of items) {
      if (isFile(item)) form.append(key, fileBlob(item), item.name ?? key)
      else form.append(key, scalar(item))
    }
  }
  return form
}

const binaryBody = (value: unknown): string | Buffer => {
  if (isFile(value)) return Buffer.from(value.base64, "base64")
  return typeof value === "string" ? value : JSON.stringify(value)
}

const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`

/** Visible ASCII and Latin-1 plus spaces and tabs: what an HTTP header value may hold. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Puts the connection's credential where its scheme says; false when it cannot go in a header. */
const applyScheme = (ctx: RequestContext, headers: Headers, query: Array<string>, cookies: Array<string>): boolean => {
  const scheme = ctx.scheme
  const token = ctx.credentials.token ?? ""
  if (!scheme || scheme.kind === "none") return true
  const header = (name: string, value: string) => {
    if (!HEADER_VALUE.test(value)) return false
    headers.set(name, value)
    return true
  }
  if (scheme.kind === "bearer") return header("authorization", `Bearer ${token}`)
  if (scheme.kind === "raw") return header("authorization", token)
  if (scheme.kind === "basic") {
    const pair = `${ctx.credentials.username ?? ""}:${ctx.credentials.password ?? ""}`
    return header("authorization", `Basic ${Buffer.from(pair, "utf8").toString("base64")}`)
  }
  if (scheme.in === "header") return header(scheme.name, token)
  if (scheme.in === "query") query.push(`${enc(scheme.name)}=${enc(token)}`)
  else cookies.push(`${scheme.name}=${enc(token)}`)
  return true
}

/** Builds the HTTP request of one operation from a tool's flat arguments. */
export const buildRequest = (operation: CompiledOperation, args: unknown, ctx: RequestContext): BuiltRequest => {
  if (args !== undefined && args !== null && !isRecord(args)) return invalid("The arguments must be an object")
  const input = isRecord(args) ? args : {}
  const known = new Set([...operation.parameters.map((p) => p.key), ...(operation.body ? ["body"] : [])])
  const unknown = Object.keys(input).filter((k) => !known.has(k))
  if (unknown.length > 0) {
    return invalid(`Unknown argument${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; this tool takes ${known.size > 0 ? [...known].map((k) => `"${k}"`).join(", ") : "no arguments"}`)
  }
  const missing = [...operation.parameters.filter((p) => p.required).map((p) => p.key), ...(operation.body?.required ? ["body"] : [])].filter(
    (k) => input[k] === undefined || input[k] === null
  )
  if (missing.length > 0) return invalid(`Missing required argument${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`)

  const own = operation.server && !ctx.baseUrlOverridden ? absolute(operation.server, ctx.baseUrl) : undefined
  const base = own ?? ctx.baseUrl
  if (!base) {
    return { ok: false, code: "missing_base_url", message: "The description names no absolute server URL: set baseUrl on the integration" }
  }
  let path = operation.path
  const query: Array<string> = []
  const cookies: Array<string> = []
  const headers = new Headers()
  headers.set("user-agent", ctx.userAgent)
  for (const [name, value] of Object.entries(ctx.headers)) if (HEADER_VALUE.test(value)) headers.set(name, value)
  for (const [name, value] of Object.entries(ctx.queryParams)) query.push(`${enc(name)}=${enc(value)}`)

  const configuredQuery = new Set(Object.keys(ctx.queryParams))
  for (const param of operation.parameters) {
    const value = input[param.key]
    if (value === undefined) continue
    if (param.in === "path") {
      const segment = pathValue(param, value)
      // "", "." and ".." would make the URL name another endpoint than this tool's.
      if (segment === "" || segment === "." || segment === "..") return invalid(`"${param.key}" must not be empty, "." or ".."`)
      path = path.split(`{${param.name}}`).join(segment)
    } else if (param.in === "query") {
      // Values configured on the integration are not the agent's to replace.
      if (!configuredQuery.has(param.name)) query.push(...queryPairs(param, value))
    } else if (param.in === "header") {
      if (ctx.headers[param.name] !== undefined || Object.keys(ctx.headers).some((h) => h.toLowerCase() === param.name.toLowerCase())) continue
      const text = headerValue(param, value)
      if (!HEADER_VALUE.test(text)) return invalid(`"${param.key}" cannot be sent as an HTTP header: it holds a line break or a character outside Latin-1`)
      headers.set(param.name, text)
    } else {
      const items = Array.isArray(value) ? value.map(scalar).join(",") : param.json ? JSON.stringify(value) : scalar(value)
      cookies.push(`${param.name}=${enc(items)}`)
    }
  }
  if (operation.authenticated && !applyScheme(ctx, headers, query, cookies)) {
    return { ok: false, code: "connection_unavailable", message: "The connection's credential cannot be sent as an HTTP header (it holds a line break or a character outside Latin-1): replace the connection" }
  }
  if (cookies.length > 0) headers.set("cookie", cookies.join("; "))

  let body: string | Buffer | URLSearchParams | FormData | undefined
  const bodyValue = input.body
  if (operation.body && bodyValue !== undefined) {
    const { kind, mediaType } = operation.body
    if (kind === "json") {
      body = JSON.stringify(bodyValue)
      headers.set("content-type", mediaType === "*/*" ? "application/json" : mediaType)
    } else if (kind === "form") {
      body = formBody(bodyValue)
    } else if (kind === "multipart") {
      // fetch writes the boundary into the content type itself.
      body = multipartBody(bodyValue)
    } else if (kind === "binary") {
      body = binaryBody(bodyValue)
      headers.set("content-type", isFile(bodyValue) && bodyValue.mimeType ? bodyValue.mimeType : mediaType)
    } else {
      body = typeof bodyValue === "string" ? bodyValue : JSON.stringify(bodyValue)
      headers.set("content-type", mediaType)
    }
  }
  if (!headers.has("accept")) headers.set("accept", "application/json, */*;q=0.8")
  const url = `${joinUrl(base, path)}${query.length > 0 ? `${path.includes("?") ? "&" : "?"}${query.join("&")}` : ""}`
  const scheme = operation.authenticated ? ctx.scheme : undefined
  return {
    ok: true,
    url,
    init: { method: operation.method, headers, ...(body !== undefined ? { body } : {}) },
    credentialHeaders: [
      "authorization",
      "cookie",
      ...Object.keys(ctx.headers),
      ...(scheme?.kind === "apiKey" && scheme.in === "header" ? [scheme.name] : [])
    ],
    credentialQuery: [...Object.keys(ctx.queryParams), ...(scheme?.kind === "apiKey" && scheme.in === "query" ? [scheme.name] : [])]
  }
}
