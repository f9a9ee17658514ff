import { Either } from "effect"

/**
 * A policy pattern names tool addresses without the leading `tools.`:
 * dot-separated segments, where an inner `*` matches exactly one segment and
 * a trailing `*` matches the whole subtree below (at least one segment).
 * A leading `tools.` is accepted and ignored, so users may paste a full address.
 */
export interface CompiledPattern {
  readonly source: string
  readonly segments: ReadonlyArray<string>
  readonly subtree: boolean
}

const SEGMENT = /^[A-Za-z0-9_-]+$/

export const compilePattern = (pattern: string): Either.Either<CompiledPattern, string> => {
  const trimmed = pattern.trim()
  if (trimmed.length === 0) return Either.left("the pattern is empty")
  if (trimmed.length > 512) return Either.left("the pattern is longer than 512 characters")
  const body = trimmed.startsWith("tools.") ? trimmed.slice("tools.".length) : trimmed
  const parts = body.split(".")
  for (const [index, part] of parts.entries()) {
    if (part.length === 0) return Either.left(`segment ${index + 1} is empty (two dots in a row, or a leading or trailing dot)`)
    if (part === "*") continue
    if (part.includes("*")) return Either.left(`segment "${part}" mixes "*" with other characters; "*" must be a whole segment`)
    if (!SEGMENT.test(part)) return Either.left(`segment "${part}" may contain only letters, digits, "_", "-" or be "*"`)
  }
  const subtree = parts[parts.length - 1] === "*"
  return Either.right({ source: trimmed, segments: subtree ? parts.slice(0, -1) : parts, subtree })
}

/** `path` is a tool address without the leading `tools.`. */
export const matchesPattern = (pattern: CompiledPattern, path: ReadonlyArray<string>): boolean => {
  const { segments, subtree } = pattern
  if (subtree ? path.length <= segments.length : path.length !== segments.length) return false
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]
    if (segment !== "*" && segment !== path[i]) return false
  }
  return true
}

export const addressPath = (address: string): ReadonlyArray<string> =>
  (address.startsWith("tools.") ? address.slice("tools.".length) : address).split(".")
