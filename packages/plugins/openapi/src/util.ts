export { isRecord, type JsonObject as Json } from "@executor/core"

/** Shortens text to at most `max` characters, marking the cut with an ellipsis. */
export const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** Why a fetch failed, in one line: the system error code and message when there is one. */
export const fetchFailureReason = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const cause: unknown = error.cause
  if (cause instanceof Error) return "code" in cause ? `${String(cause.code)}: ${cause.message}` : cause.message
  return error.message
}

/** A string field's trimmed text, or "" when it is missing or not a string. */
export const text = (u: unknown) => (typeof u === "string" ? u.trim() : "")
