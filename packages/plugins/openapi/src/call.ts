import { toolError, type ToolResult } from "@executor/core"
import { Effect } from "effect"
import { isBinaryMedia } from "./compile"
import { fetchFailureReason } from "./util"

/** The most a response may carry before the call fails instead of filling memory. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
/** How much of an error body the error message quotes. */
const ERROR_BODY_CHARS = 1_024
export const DEFAULT_TIMEOUT_MS = 30_000

/** Replaces every credential value in a text (and its URL-encoded form) with `[redacted]`. */
export const redactor = (secrets: ReadonlyArray<string>) => {
  const forms = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]
  const needles = [...new Set(secrets.flatMap((s) => (s.length >= 4 ? forms(s) : [])))].sort((a, b) => b.length - a.length)
  return (text: string) => needles.reduce((out, needle) => out.split(needle).join("[redacted]"), text)
}

const readLimited = async (response: Response, method: string) => {
  // These carry no body, whatever their content-length says.
  if (method === "HEAD" || response.status === 204 || response.status === 304 || !response.body) {
    await response.body?.cancel()
    return Buffer.alloc(0)
  }
  const length = response.headers.get("content-length")
  const declared = Number(length ?? "0")
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body.cancel()
    return undefined
  }
  // A declared length within the bound is read in one go (much cheaper than iterating the stream),
  // unless the body is compressed: then the length is the compressed one, and only the stream is bounded.
  if (length !== null && Number.isFinite(declared) && !response.headers.has("content-encoding")) {
    const bytes = Buffer.from(await response.arrayBuffer())
    return bytes.length > MAX_RESPONSE_BYTES ? undefined : bytes
  }
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > MAX_RESPONSE_BYTES) return undefined
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

const fileName = (disposition: string | null) => {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null
  if (!match?.[1]) return undefined
  try {
    return decodeURIComponent(match[1])
  } catch {
    return match[1]
  }
}

const SKIPPED_HEADERS = new Set(["set-cookie", "authorization", "proxy-authorization", "cookie"])

const headerRecord = (headers: Headers, redact: (s: string) => string) => {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (!SKIPPED_HEADERS.has(name)) out[name] = redact(value)
  })
  return out
}

const decodeBody = (bytes: Buffer, contentType: string, disposition: string | null): unknown => {
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase()
  if (bytes.length === 0) return null
  if (/json/.test(mediaType)) {
    const text = bytes.toString("utf8")
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  if (mediaType !== "" && isBinaryMedia(mediaType)) {
    const name = fileName(disposition)
    return { type: "file", ...(name ? { name } : {}), mimeType: mediaType, size: bytes.length, base64: bytes.toString("base64") }
  }
  return bytes.toString("utf8")
}

export interface SendInput {
  readonly url: string
  readonly init: RequestInit & { headers: Headers }
  readonly timeoutMs: number
  readonly signal: AbortSignal | undefined
  readonly secrets: ReadonlyArray<string>
  /** Headers and query parameters that carry credentials: never sent to another origin. */
  readonly credentialHeaders: ReadonlyArray<string>
  readonly credentialQuery: ReadonlyArray<string>
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * Follows redirects by hand: a hop to another origin (an API redirecting a download
 * to a storage host, say) goes without the connection's credentials, which fetch
 * would only strip from `Authorization`, not from an API-key header or query.
 */
const fetchFollowing = async (input: SendInput, signal: AbortSignal) => {
  const origin = new URL(input.url).origin
  let url = input.url
  let init: RequestInit & { headers: Headers } = input.init
  for (let hop = 0; ; hop++) {
    const response = await fetch(url, { ...init, signal, redirect: "manual" })
    const location = response.headers.get("location")
    if (!REDIRECTS.has(response.status) || !location || hop >= MAX_REDIRECTS) return response
    await response.body?.cancel()
    const next = new URL(location, url)
    const headers = new Headers(init.headers)
    let method = init.method ?? "GET"
    let body = init.body
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET"
      body = undefined
      headers.delete("content-type")
    }
    if (next.origin !== origin) {
      for (const name of input.credentialHeaders) headers.delete(name)
      for (const name of input.credentialQuery) next.searchParams.delete(name)
    }
    url = next.toString()
    init = { ...init, method, headers, ...(body === undefined ? { body: null } : { body }) }
  }
}

/**
 * Sends a built request and turns the answer into a `ToolResult`: 2xx data
 * (JSON, text or a file value) with `http`; 401/403 `connection_rejected`; other
 * statuses `upstream_http_error` quoting a truncated, redacted body; a timeout
 * `upstream_timeout`; no answer `upstream_unreachable`. No message carries a credential.
 */
export const send = (input: SendInput): Effect.Effect<ToolResult> =>
  Effect.promise(async (): Promise<ToolResult> => {
    const redact = redactor(input.secrets)
    // One controller for both the deadline and the caller's cancel (cheaper than AbortSignal.timeout + any).
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, input.timeoutMs)
    const cancel = () => controller.abort()
    input.signal?.addEventListener("abort", cancel, { once: true })
    const signal = controller.signal
    const target = `${input.init.method ?? "GET"} ${redact(input.url.split("?")[0] ?? input.url)}`
    try {
      const response = await fetchFollowing(input, signal)
      const bytes = await readLimited(response, input.init.method ?? "GET")
      if (bytes === undefined) {
        return toolError("response_too_large", `The response of ${target} is larger than ${MAX_RESPONSE_BYTES} bytes`, { status: response.status })
      }
      const http = { status: response.status, headers: headerRecord(response.headers, redact) }
      const data = decodeBody(bytes, response.headers.get("content-type") ?? "", response.headers.get("content-disposition"))
      if (response.ok) return { ok: true, data, http }
      const quoted = redact(typeof data === "string" ? data : JSON.stringify(data ?? "")).slice(0, ERROR_BODY_CHARS)
      const suffix = quoted ? `: ${quoted}` : ""
      if (response.status === 401 || response.status === 403) {
        return toolError("connection_rejected", `${target} was refused with HTTP ${response.status}: check the connection's credential${suffix}`, {
          status: response.status
        })
      }
      return toolError("upstream_http_error", `HTTP ${response.status} from ${target}${suffix}`, {
        status: response.status,
        retryable: response.status === 429 || response.status >= 500
      })
    } catch (error) {
      if (timedOut) {
        return toolError("upstream_timeout", `${target} did not answer within ${input.timeoutMs} ms`, { retryable: true })
      }
      if (input.signal?.aborted) return toolError("cancelled", `${target} was cancelled`)
      return toolError("upstream_unreachable", `${target} could not be reached: ${redact(fetchFailureReason(error))}`, { retryable: true })
    } finally {
      clearTimeout(timer)
      input.signal?.removeEventListener("abort", cancel)
    }
  })
