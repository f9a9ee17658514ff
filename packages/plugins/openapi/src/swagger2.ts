/**
 * Swagger 2.0 to OpenAPI 3.0: the parts that change what a tool looks like or
 * sends — servers, body and form parameters, collection formats, responses,
 * security definitions and `$ref` locations.
 */
import { isRecord, type Json } from "./util"

const records = (u: unknown): Array<Json> => (Array.isArray(u) ? u.filter(isRecord) : [])
const strings = (u: unknown): Array<string> => (Array.isArray(u) ? u.filter((s): s is string => typeof s === "string") : [])

const REF_MOVES: ReadonlyArray<readonly [string, string]> = [
  ["#/definitions/", "#/components/schemas/"],
  ["#/parameters/", "#/components/parameters/"],
  ["#/responses/", "#/components/responses/"]
]

/** Every `$ref` moved to its OpenAPI 3 location, in a copy. */
const moveRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(moveRefs)
  if (!isRecord(value)) return value
  const out: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if (key === "$ref" && typeof v === "string") {
      const move = REF_MOVES.find(([from]) => v.startsWith(from))
      out[key] = move ? move[1] + v.slice(move[0].length) : v
    } else {
      out[key] = moveRefs(v)
    }
  }
  return out
}

const SCHEMA_KEYS = ["type", "format", "items", "enum", "default", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf", "exclusiveMinimum", "exclusiveMaximum"]

const schemaOf = (param: Json): Json => {
  const schema: Json = {}
  for (const key of SCHEMA_KEYS) if (key in param) schema[key] = param[key]
  if (schema.type === "file") {
    schema.type = "string"
    schema.format = "binary"
  }
  if (isRecord(schema.items)) schema.items = schemaOf(schema.items)
  return schema
}

const styleOf = (param: Json): Json => {
  switch (param.collectionFormat) {
    case "multi":
      return { style: "form", explode: true }
    case "ssv":
      return { style: "spaceDelimited", explode: false }
    case "pipes":
      return { style: "pipeDelimited", explode: false }
    case "tsv":
    case "csv":
      return param.in === "query" || param.in === "formData" ? { style: "form", explode: false } : { style: "simple" }
    default:
      return param.type === "array" && param.in === "query" ? { style: "form", explode: false } : {}
  }
}

const resolveLocal = (doc: Json, value: Json): Json => {
  const ref = value.$ref
  if (typeof ref !== "string" || !ref.startsWith("#/")) return value
  let target: unknown = doc
  for (const part of ref.slice(2).split("/")) {
    target = isRecord(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined
  }
  return isRecord(target) ? target : value
}

const convertOperation = (doc: Json, operation: Json, shared: Array<Json>): Json => {
  const consumes = strings(operation.consumes ?? doc.consumes)
  const produces = strings(operation.produces ?? doc.produces)
  const params = new Map<string, Json>()
  for (const raw of [...shared, ...records(operation.parameters)]) {
    const param = resolveLocal(doc, raw)
    params.set(`${String(param.in)}:${String(param.name)}`, param)
  }
  const parameters: Array<Json> = []
  const form: Array<Json> = []
  let requestBody: Json | undefined
  for (const param of params.values()) {
    if (param.in === "body") {
      const type = consumes.find((c) => c.includes("json")) ?? consumes[0] ?? "application/json"
      requestBody = {
        required: param.required === true,
        ...(typeof param.description === "string" ? { description: param.description } : {}),
        content: { [type]: { schema: moveRefs(param.schema ?? {}) } }
      }
    } else if (param.in === "formData") {
      form.push(param)
    } else {
      parameters.push({
        name: param.name,
        in: param.in,
        required: param.in === "path" ? true : param.required === true,
        ...(typeof param.description === "string" ? { description: param.description } : {}),
        ...styleOf(param),
        schema: moveRefs(schemaOf(param))
      })
    }
  }
  if (form.length > 0) {
    const multipart = form.some((p) => p.type === "file") || consumes.some((c) => c.startsWith("multipart/"))
    requestBody = {
      required: form.some((p) => p.required === true),
      content: {
        [multipart ? "multipart/form-data" : "application/x-www-form-urlencoded"]: {
          schema: {
            type: "object",
            properties: Object.fromEntries(
              form.map((p) => [String(p.name), { ...schemaOf(p), ...(typeof p.description === "string" ? { description: p.description } : {}) }])
            ),
            required: form.filter((p) => p.required === true).map((p) => String(p.name))
          }
        }
      }
    }
  }
  const responses: Json = {}
  for (const [status, raw] of Object.entries(isRecord(operation.responses) ? operation.responses : {})) {
    if (!isRecord(raw)) continue
    const response = resolveLocal(doc, raw)
    const type = produces.find((c) => c.includes("json")) ?? produces[0] ?? "application/json"
    responses[status] = {
      description: typeof response.description === "string" ? response.description : "",
      ...(response.schema !== undefined ? { content: { [type]: { schema: moveRefs(response.schema) } } } : {})
    }
  }
  const { parameters: _p, consumes: _c, produces: _pr, responses: _r, ...rest } = operation
  return {
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, moveRefs(v)])),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses
  }
}

const FLOWS: Readonly<Record<string, string>> = {
  implicit: "implicit",
  password: "password",
  application: "clientCredentials",
  accessCode: "authorizationCode"
}

const convertSecurity = (definitions: unknown): Json => {
  const out: Json = {}
  for (const [name, def] of Object.entries(isRecord(definitions) ? definitions : {})) {
    if (!isRecord(def)) continue
    if (def.type === "basic") out[name] = { type: "http", scheme: "basic" }
    else if (def.type === "apiKey") out[name] = { type: "apiKey", name: def.name, in: def.in }
    else if (def.type === "oauth2") {
      const flow = FLOWS[String(def.flow)] ?? "implicit"
      out[name] = {
        type: "oauth2",
        flows: {
          [flow]: {
            ...(def.authorizationUrl ? { authorizationUrl: def.authorizationUrl } : {}),
            ...(def.tokenUrl ? { tokenUrl: def.tokenUrl } : {}),
            scopes: isRecord(def.scopes) ? def.scopes : {}
          }
        }
      }
    }
  }
  return out
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"]

export const convertSwagger2 = (doc: Json): Json => {
  const schemes = strings(doc.schemes)
  const scheme = schemes.includes("https") ? "https" : (schemes[0] ?? "https")
  const basePath = typeof doc.basePath === "string" ? doc.basePath : ""
  const servers = typeof doc.host === "string" ? [{ url: `${scheme}://${doc.host}${basePath}` }] : basePath ? [{ url: basePath }] : []
  const paths: Json = {}
  for (const [path, raw] of Object.entries(isRecord(doc.paths) ? doc.paths : {})) {
    if (!isRecord(raw)) continue
    const item = resolveLocal(doc, raw)
    const shared = records(item.parameters)
    const converted: Json = {}
    for (const [key, value] of Object.entries(item)) {
      if (METHODS.includes(key) && isRecord(value)) converted[key] = convertOperation(doc, value, shared)
      else if (key !== "parameters" && key !== "$ref") converted[key] = moveRefs(value)
    }
    paths[path] = converted
  }
  const parameters = Object.fromEntries(
    Object.entries(isRecord(doc.parameters) ? doc.parameters : {}).flatMap(([name, p]) =>
      isRecord(p) && p.in !== "body" && p.in !== "formData"
        ? [[name, { name: p.name, in: p.in, required: p.required === true, ...styleOf(p), schema: moveRefs(schemaOf(p)) }]]
        : []
    )
  )
  return {
    openapi: "3.0.3",
    info: isRecord(doc.info) ? doc.info : { title: "API", version: "" },
    servers,
    paths,
    ...(doc.security ? { security: doc.security } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    components: {
      schemas: moveRefs(isRecord(doc.definitions) ? doc.definitions : {}),
      parameters,
      securitySchemes: convertSecurity(doc.securityDefinitions)
    },
    "x-converted-from": "swagger-2.0"
  }
}
