/** A plain JSON object (not an array, not null), as parsed JSON is checked before its fields are read. */
export type JsonObject = Record<string, unknown>

export const isRecord = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)
