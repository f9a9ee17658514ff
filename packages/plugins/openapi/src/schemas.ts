import { isRecord, type Json, truncate } from "./util"

/**
 * Schemas of an OpenAPI document, rewritten for tools: every local `$ref` points
 * into one shared `$defs` table (`#/$defs/Name`) instead of being inlined, so a
 * circular or much-shared schema costs one entry however often it is used.
 * Only definitions reachable from an operation are kept; examples, XML hints and
 * extensions are dropped.
 */

/** What a binary value looks like on the way in (uploads) and out (downloads). */
export const FILE_SCHEMA: Json = {
  type: "object",
  description: "A file: base64 content with its name and media type",
  properties: {
    type: { const: "file" },
    name: { type: "string" },
    mimeType: { type: "string" },
    size: { type: "number" },
    base64: { type: "string" }
  },
  required: ["type", "base64"]
}

/** An upload may be plain text or a file value. */
export const UPLOAD_SCHEMA: Json = { anyOf: [{ type: "string" }, FILE_SCHEMA] }

const MAP_KEYS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"])
const SCHEMA_KEYS = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "if",
  "then",
  "else",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
  "additionalItems"
])
const LIST_KEYS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"])
const DROPPED = new Set(["example", "examples", "xml", "externalDocs", "discriminator", "nullable", "$schema", "$id"])
const MAX_DESCRIPTION = 600
const MAX_DEPTH = 64

const pascal = (text: string) => {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0)
  const joined = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")
  return /^[A-Za-z_]/.test(joined) ? joined : `T${joined}`
}

const unescapePointer = (part: string) => decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")

/** The value at a local JSON pointer (`#/a/b`), or undefined. */
export const resolvePointer = (doc: Json, ref: string): unknown => {
  if (ref === "#") return doc
  if (!ref.startsWith("#/")) return undefined
  let target: unknown = doc
  for (const part of ref.slice(2).split("/")) {
    if (Array.isArray(target)) target = target[Number(part)]
    else if (isRecord(target)) target = target[unescapePointer(part)]
    else return undefined
  }
  return target
}

/** Follows `$ref` chains of a non-schema object (parameter, body, response). */
export const deref = (doc: Json, value: unknown): Json | undefined => {
  let current = value
  for (let hops = 0; hops < 32 && isRecord(current) && typeof current.$ref === "string"; hops++) {
    current = resolvePointer(doc, current.$ref)
  }
  return isRecord(current) && typeof current.$ref !== "string" ? current : undefined
}


export class SchemaTable {
  private readonly names = new Map<string, string>()
  private readonly taken = new Set<string>()
  private readonly pending: Array<string> = []
  readonly definitions: Record<string, unknown> = {}

  constructor(private readonly doc: Json) {}

  private nameFor(pointer: string): string {
    const known = this.names.get(pointer)
    if (known) return known
    const parts = pointer.split("/")
    const base = pointer.startsWith("#/components/schemas/")
      ? pascal(unescapePointer(parts.slice(3).join("/")))
      : pascal(parts.slice(-2).map(unescapePointer).join(" "))
    let name = base || "Schema"
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`
    this.taken.add(name)
    this.names.set(pointer, name)
    this.pending.push(pointer)
    return name
  }

  /** A schema with its references pointed into the shared table. */
  rewrite(schema: unknown, depth = 0): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.rewrite(s, depth + 1))
    if (!isRecord(schema)) return schema
    if (depth > MAX_DEPTH) return {}
    if (typeof schema.$ref === "string") {
      const ref = schema.$ref
      if (!ref.startsWith("#")) return { description: `Unresolved external reference ${ref}` }
      const out: Json = { $ref: `#/$defs/${this.nameFor(ref)}` }
      if (typeof schema.description === "string") out.description = truncate(schema.description, MAX_DESCRIPTION)
      return out
    }
    if (schema.type === "string" && (schema.format === "binary" || schema.contentEncoding === "binary")) {
      return typeof schema.description === "string" ? { ...UPLOAD_SCHEMA, description: truncate(schema.description, MAX_DESCRIPTION) } : UPLOAD_SCHEMA
    }
    const out: Json = {}
    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED.has(key) || key.startsWith("x-")) continue
      if (MAP_KEYS.has(key) && isRecord(value)) {
        const map: Json = {}
        for (const [name, sub] of Object.entries(value)) map[name] = this.rewrite(sub, depth + 1)
        out[key] = map
      } else if (SCHEMA_KEYS.has(key) || LIST_KEYS.has(key)) {
        out[key] = this.rewrite(value, depth + 1)
      } else if (key === "description" && typeof value === "string") {
        out[key] = truncate(value, MAX_DESCRIPTION)
      } else {
        out[key] = value
      }
    }
    if (schema.nullable === true && typeof schema.type === "string") out.type = [schema.type, "null"]
    return out
  }

  /** Rewrites every definition referenced so far, and those they reference in turn. */
  drain(): Record<string, unknown> {
    for (let pointer = this.pending.shift(); pointer !== undefined; pointer = this.pending.shift()) {
      const name = this.names.get(pointer)!
      const target = resolvePointer(this.doc, pointer)
      this.definitions[name] = target === undefined ? { description: `Unresolved reference ${pointer}` } : this.rewrite(target)
    }
    return this.definitions
  }
}
