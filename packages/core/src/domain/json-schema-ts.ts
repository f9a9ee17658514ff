/**
 * Renders a JSON Schema as a TypeScript type expression, for previews shown to
 * people and agents. It covers the shapes tool schemas use; anything it does not
 * understand becomes `unknown` rather than a wrong type.
 */
import { isRecord } from "./json"

type Json = Readonly<Record<string, unknown>>

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const MAX_DEPTH = 12

const refName = (ref: string) => ref.split("/").at(-1) ?? "unknown"

const literal = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null ? JSON.stringify(v) : "unknown")

const indent = (text: string, pad: string) => text.split("\n").join(`\n${pad}`)

export const jsonSchemaToTypeScript = (schema: unknown, depth = 0): string => {
  if (schema === true || schema === undefined) return "unknown"
  if (schema === false) return "never"
  if (!isRecord(schema) || depth > MAX_DEPTH) return "unknown"
  if (typeof schema.$ref === "string") return refName(schema.$ref)
  if ("const" in schema) return literal(schema.const)
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(" | ") || "never"
  for (const key of ["oneOf", "anyOf"] as const) {
    const members = schema[key]
    if (Array.isArray(members) && members.length > 0) {
      return members.map((m) => jsonSchemaToTypeScript(m, depth + 1)).join(" | ")
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return schema.allOf.map((m) => jsonSchemaToTypeScript(m, depth + 1)).join(" & ")
  }
  const type = schema.type
  if (Array.isArray(type)) {
    return type.map((t) => jsonSchemaToTypeScript({ ...schema, type: t }, depth + 1)).join(" | ")
  }
  switch (type) {
    case "string":
      return "string"
    case "integer":
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    case "null":
      return "null"
    case "array": {
      const item = jsonSchemaToTypeScript(schema.items, depth + 1)
      return item.includes(" ") ? `Array<${item}>` : `${item}[]`
    }
    case "object":
      return objectType(schema, depth)
    default:
      return isRecord(schema.properties) ? objectType(schema, depth) : "unknown"
  }
}

const objectType = (schema: Json, depth: number): string => {
  const properties = isRecord(schema.properties) ? schema.properties : {}
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [])
  const lines = Object.entries(properties).map(([name, prop]) => {
    const key = IDENT.test(name) ? name : JSON.stringify(name)
    const doc = isRecord(prop) && typeof prop.description === "string" ? `/** ${prop.description.replace(/\*\//g, "* /").split("\n")[0]} */\n` : ""
    return `${doc}${key}${required.has(name) ? "" : "?"}: ${jsonSchemaToTypeScript(prop, depth + 1)}`
  })
  const extra = schema.additionalProperties
  if (isRecord(extra)) lines.push(`[key: string]: ${jsonSchemaToTypeScript(extra, depth + 1)}`)
  if (lines.length === 0) return extra === false ? "{}" : "Record<string, unknown>"
  return `{\n  ${lines.map((l) => indent(l, "  ")).join("\n  ")}\n}`
}

const refsOf = (schema: unknown, into: Array<string>) => {
  if (Array.isArray(schema)) {
    for (const s of schema) refsOf(s, into)
  } else if (isRecord(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")) into.push(value.slice("#/$defs/".length))
      else if (typeof value === "object") refsOf(value, into)
    }
  }
}

/** The entries of a shared `$defs` table that some schemas reference, followed transitively. */
export const definitionsClosure = (
  schemas: ReadonlyArray<unknown>,
  table: Readonly<Record<string, unknown>>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const queue: Array<string> = []
  for (const s of schemas) refsOf(s, queue)
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (name in out || !(name in table)) continue
    out[name] = table[name]
    refsOf(table[name], queue)
  }
  return out
}
