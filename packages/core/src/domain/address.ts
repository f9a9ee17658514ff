import type { Owner } from "./ids"

export interface ToolCoordinates {
  readonly integration: string
  readonly owner: Owner
  readonly connection: string
  readonly tool: string
}

export const connectionAddress = (owner: Owner, integration: string, connection: string): string =>
  `tools.${integration}.${owner}.${connection}`

export const toolAddress = (c: ToolCoordinates): string =>
  `${connectionAddress(c.owner, c.integration, c.connection)}.${c.tool}`

/** Splits a full tool address; `undefined` when it does not have the five-part shape. */
export const parseToolAddress = (address: string): ToolCoordinates | undefined => {
  const parts = address.split(".")
  if (parts.length < 5 || parts[0] !== "tools") return undefined
  const [, integration, owner, connection, ...rest] = parts
  if (owner !== "org" && owner !== "user") return undefined
  if (!integration || !connection || rest.some((p) => p.length === 0)) return undefined
  return { integration, owner, connection, tool: rest.join(".") }
}
