import type { CredentialValues } from "@executor/core"
import type { CompiledOperation, CompiledParameter, SchemeUse, ServerInfo } from "./compile"
import { isRecord } from "./document"

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
  readonly headers: Readonly<Record<string, string>>
  readonly queryParams: Readonly<Record<string, string>>
  readonly scheme: SchemeUse | undefined
  readonly credentials: CredentialValues
  readonly userAgent: string
}

const invalid = (message: string): BuiltRequest => ({ ok: false, code: "invalid_arguments", message })

/** `{var}`s of a server URL filled with their defaults. */
export const serverUrl = (server: ServerInfo) =>
  server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => server.variables?.[name]?.default ?? whole)

/** The base URL calls go to: the override, else the first server resolved against the document's URL. */
export const resolveBaseUrl = (servers: ReadonlyArray<ServerInfo>, sourceUrl: string | undefined, override: string | undefined) => {
  if (override) return override
  const first = servers[0]
  const raw = first ? serverUrl(first) : undefined
  if (raw === undefined) return sourceUrl ? new URL("/", sourceUrl).toString() : undefined
  try {
    return new URL(raw).toString()
  } catch {
    return sourceUrl ? new URL(raw, sourceUrl).toString() : undefined
  }
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
const queryPairs = (param: CompiledParameter, value: unknown): Array<string> => {
  const { name, style, explode } = param
  if (param.json) return [`${enc(name)}=${enc(JSON.stringify(value))}`]
  if (Array.isArray(value)) {
    const items = value.map((v) => enc(scalar(v)))
    if (style === "spaceDelimited") return [`${enc(name)}=${items.join("%20")}`]
    if (style === "pipeDelimited") return [`${enc(name)}=${items.join("|")}`]
    return explode ? items.map((v) => `${enc(name)}=${v}`) : [`${enc(name)}=${items.join(",")}`]
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
    if (style === "deepObject") return entries.map(([k, v]) => `${enc(name)}%5B${enc(k)}%5D=${enc(scalar(v))}`)
    if (explode) return entries.map(([k, v]) => `${enc(k)}=${enc(scalar(v))}`)
    return [`${enc(name)}=${entries.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(",")}`]
  }
  return [`${enc(name)}=${enc(scalar(value))}`]
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

const applyScheme = (ctx: RequestContext, headers: Headers, query: Array<string>, cookies: Array<string>) => {
  const scheme = ctx.scheme
  const token = ctx.credentials.token ?? ""
  if (!scheme || scheme.kind === "none") return
  if (scheme.kind === "bearer") headers.set("authorization", `Bearer ${token}`)
  else if (scheme.kind === "raw") headers.set("authorization", token)
  else if (scheme.kind === "basic") {
    const pair = `${ctx.credentials.username ?? ""}:${ctx.credentials.password ?? ""}`
    headers.set("authorization", `Basic ${Buffer.from(pair, "utf8").toString("base64")}`)
  } else if (scheme.in === "header") headers.set(scheme.name, token)
  else if (scheme.in === "query") query.push(`${enc(scheme.name)}=${enc(token)}`)
  else cookies.push(`${scheme.name}=${enc(token)}`)
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

  const base = operation.server && /^https?:/i.test(operation.server) ? operation.server : ctx.baseUrl
  if (!base) {
    return { ok: false, code: "missing_base_url", message: "The description names no absolute server URL: set baseUrl on the integration" }
  }
  let path = operation.path
  const query: Array<string> = []
  const cookies: Array<string> = []
  const headers = new Headers()
  headers.set("user-agent", ctx.userAgent)
  for (const [name, value] of Object.entries(ctx.headers)) headers.set(name, value)
  for (const [name, value] of Object.entries(ctx.queryParams)) query.push(`${enc(name)}=${enc(value)}`)

  for (const param of operation.parameters) {
    const value = input[param.key]
    if (value === undefined) continue
    if (param.in === "path") path = path.split(`{${param.name}}`).join(pathValue(param, value))
    else if (param.in === "query") query.push(...queryPairs(param, value))
    else if (param.in === "header") headers.set(param.name, headerValue(param, value))
    else cookies.push(`${param.name}=${enc(param.json ? JSON.stringify(value) : scalar(value))}`)
  }
  if (operation.authenticated) applyScheme(ctx, headers, query, cookies)
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
