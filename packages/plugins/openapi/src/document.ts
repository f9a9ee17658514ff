import { Data, Effect } from "effect"
import { parse as parseYaml } from "yaml"
import { convertSwagger2 } from "./swagger2"
import { fetchFailureReason, isRecord, type Json } from "./util"


/** The document could be read but is not an OpenAPI description we can use. */
export class InvalidDocument extends Data.TaggedError("InvalidDocument")<{ readonly message: string }> {}

/** The document's URL could not be fetched. */
export class FetchFailed extends Data.TaggedError("FetchFailed")<{ readonly message: string }> {}

/** The largest document read from a URL; the same bound as the routes' body limit. */
export const MAX_DOCUMENT_BYTES = 128 * 1024 * 1024
const FETCH_TIMEOUT_MS = 30_000

const describeError = (error: unknown): string =>
  error instanceof Error && error.name === "TimeoutError" ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : fetchFailureReason(error)

/** Fetches a document as text, refusing non-HTTP URLs, error statuses and oversized bodies. */
export const fetchDocument = (url: string, userAgent: string) =>
  Effect.tryPromise({
    try: async () => {
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        throw new Error(`"${url}" is not a valid URL`)
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        throw new Error(`only http and https URLs can be fetched, not ${parsed.protocol}`)
      }
      const response = await fetch(parsed, {
        headers: { accept: "application/json, application/yaml, text/yaml, */*", "user-agent": userAgent },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        redirect: "follow"
      })
      if (!response.ok) {
        await response.body?.cancel()
        throw new Error(`the server answered HTTP ${response.status}`)
      }
      const declared = Number(response.headers.get("content-length") ?? "0")
      if (declared > MAX_DOCUMENT_BYTES) {
        await response.body?.cancel()
        throw new Error(`the document is larger than ${MAX_DOCUMENT_BYTES} bytes`)
      }
      const chunks: Array<Buffer> = []
      let size = 0
      if (response.body) {
        for await (const chunk of response.body) {
          size += chunk.byteLength
          if (size > MAX_DOCUMENT_BYTES) throw new Error(`the document is larger than ${MAX_DOCUMENT_BYTES} bytes`)
          chunks.push(Buffer.from(chunk))
        }
      }
      return Buffer.concat(chunks).toString("utf8")
    },
    catch: (error) => new FetchFailed({ message: `Could not fetch ${url}: ${describeError(error)}` })
  })

/** Whether a value reaches itself (only YAML aliases can do that; JSON never does). */
const hasCycle = (root: unknown): boolean => {
  const onPath = new Set<object>()
  const done = new Set<object>()
  const stack: Array<{ value: object; children: Array<unknown>; next: number }> = []
  const enter = (value: unknown) => {
    if (typeof value !== "object" || value === null || done.has(value)) return false
    if (onPath.has(value)) return true
    onPath.add(value)
    stack.push({ value, children: Array.isArray(value) ? value : Object.values(value), next: 0 })
    return false
  }
  if (enter(root)) return true
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.next < top.children.length) {
      if (enter(top.children[top.next++])) return true
    } else {
      stack.pop()
      onPath.delete(top.value)
      done.add(top.value)
    }
  }
  return false
}

const YAML_OPTIONS = { maxAliasCount: 10_000, uniqueKeys: false } as const

/** JSON or YAML text to a value; a YAML syntax error says where it is. */
export const parseText = (text: string): Effect.Effect<unknown, InvalidDocument> =>
  Effect.suspend(() => {
    const trimmed = text.trimStart()
    if (trimmed.length === 0) return Effect.fail(new InvalidDocument({ message: "The document is empty" }))
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return Effect.succeed<unknown>(JSON.parse(trimmed))
      } catch {
        // Not valid JSON: YAML is a superset, and its parser reports the position.
      }
    }
    try {
      const value: unknown = parseYaml(text, YAML_OPTIONS)
      // YAML anchors can make a value contain itself; nothing downstream could walk it.
      return hasCycle(value)
        ? Effect.fail(new InvalidDocument({ message: "The YAML document refers to itself through an anchor (a cycle), which an OpenAPI description cannot do" }))
        : Effect.succeed(value)
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error)
      return Effect.fail(new InvalidDocument({ message: `The document is neither valid JSON nor valid YAML: ${message}` }))
    }
  })

/**
 * A parsed value as an OpenAPI 3.x document. Swagger 2.0 is converted; anything
 * else is refused with a sentence that says what was found.
 */
export const asOpenApi3 = (value: unknown): Effect.Effect<Json, InvalidDocument> => {
  if (!isRecord(value)) {
    return Effect.fail(new InvalidDocument({ message: "The document is not an OpenAPI description: it is not an object" }))
  }
  if (typeof value.swagger === "string" || typeof value.swagger === "number") {
    if (!String(value.swagger).startsWith("2")) {
      return Effect.fail(new InvalidDocument({ message: `Swagger version ${String(value.swagger)} is not supported (2.0 is converted)` }))
    }
    return Effect.try({
      try: () => convertSwagger2(value),
      catch: (error) =>
        new InvalidDocument({ message: `The Swagger 2.0 description could not be converted: ${error instanceof Error ? error.message : String(error)}` })
    })
  }
  const version = value.openapi
  if (typeof version !== "string") {
    return Effect.fail(
      new InvalidDocument({
        message: 'The document is not an OpenAPI description: it has no "openapi" (3.x) or "swagger" (2.0) version field'
      })
    )
  }
  if (!/^3\.[01]\./.test(`${version}.`)) {
    return Effect.fail(new InvalidDocument({ message: `OpenAPI version ${version} is not supported (3.0 and 3.1 are)` }))
  }
  if (!isRecord(value.paths) && !isRecord(value.webhooks)) {
    return Effect.fail(new InvalidDocument({ message: 'The OpenAPI description has no "paths" object' }))
  }
  return Effect.succeed(value)
}

/** Text to an OpenAPI 3 document. */
export const loadDocument = (text: string) => Effect.flatMap(parseText(text), asOpenApi3)
