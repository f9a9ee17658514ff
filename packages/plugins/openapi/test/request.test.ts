import { describe, expect, it } from "vitest"
import { compile, type CompiledOperation } from "../src/compile"
import { buildRequest, type RequestContext } from "../src/request"

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  baseUrl: "https://api.example.com/v2/",
  headers: {},
  queryParams: {},
  scheme: undefined,
  credentials: {},
  userAgent: "executor/test",
  ...over
})

const op = (over: Partial<CompiledOperation>): CompiledOperation => ({
  name: "things.get",
  method: "GET",
  path: "/things",
  parameters: [],
  authenticated: true,
  ...over
})

const param = (name: string, location: "path" | "query" | "header" | "cookie", style: string, explode: boolean) => ({
  key: name,
  name,
  in: location,
  required: false,
  style,
  explode
})

const built = (operation: CompiledOperation, args: unknown, context = ctx()) => {
  const r = buildRequest(operation, args, context)
  if (!r.ok) throw new Error(r.message)
  return r
}

describe("request serialization", () => {
  it("path styles: simple, label, matrix; values are percent-encoded", () => {
    const operation = op({
      path: "/a/{s}/{l}/{m}",
      parameters: [param("s", "path", "simple", false), param("l", "path", "label", false), param("m", "path", "matrix", true)]
    })
    expect(built(operation, { s: ["x y", "z"], l: "a/b", m: ["1", "2"] }).url).toBe("https://api.example.com/v2/a/x%20y,z/.a%2Fb/;m=1;m=2")
  })

  it("query styles: form with and without explode, space and pipe delimited, deepObject; static query parameters", () => {
    const operation = op({
      parameters: [
        param("a", "query", "form", true),
        param("b", "query", "form", false),
        param("c", "query", "spaceDelimited", false),
        param("d", "query", "pipeDelimited", false),
        param("e", "query", "deepObject", true),
        param("f", "query", "form", true)
      ]
    })
    const r = built(operation, { a: [1, 2], b: [3, 4], c: ["x", "y"], d: ["p", "q"], e: { k: "v", n: 1 }, f: { x: "1" } }, ctx({ queryParams: { v: "2" } }))
    expect(r.url).toBe("https://api.example.com/v2/things?v=2&a=1&a=2&b=3,4&c=x%20y&d=p|q&e%5Bk%5D=v&e%5Bn%5D=1&x=1")
  })

  it("header and cookie parameters; the API key lands in the query or a cookie as its scheme says", () => {
    const operation = op({ parameters: [param("X-Ids", "header", "simple", false), param("session", "cookie", "form", true)] })
    const inQuery = built(operation, { "X-Ids": [1, 2], session: "s 1" }, ctx({ scheme: { kind: "apiKey", in: "query", name: "api_key" }, credentials: { token: "k&1" } }))
    expect(inQuery.url).toBe("https://api.example.com/v2/things?api_key=k%261")
    expect(inQuery.init.headers.get("x-ids")).toBe("1,2")
    expect(inQuery.init.headers.get("cookie")).toBe("session=s%201")
    const inCookie = built(operation, {}, ctx({ scheme: { kind: "apiKey", in: "cookie", name: "key" }, credentials: { token: "abc" } }))
    expect(inCookie.init.headers.get("cookie")).toBe("key=abc")
    expect(inCookie.init.headers.get("user-agent")).toBe("executor/test")
  })

  it("bearer and basic credentials; an operation with `security: []` sends none", () => {
    const bearer = built(op({}), {}, ctx({ scheme: { kind: "bearer" }, credentials: { token: "t0k" } }))
    expect(bearer.init.headers.get("authorization")).toBe("Bearer t0k")
    const basic = built(op({}), {}, ctx({ scheme: { kind: "basic" }, credentials: { username: "ada", password: "pw" } }))
    expect(basic.init.headers.get("authorization")).toBe(`Basic ${Buffer.from("ada:pw").toString("base64")}`)
    const open = built(op({ authenticated: false }), {}, ctx({ scheme: { kind: "bearer" }, credentials: { token: "t0k" } }))
    expect(open.init.headers.has("authorization")).toBe(false)
  })

  it("bodies: JSON, octet-stream from a file value, text", async () => {
    const json = built(op({ method: "POST", body: { mediaType: "application/vnd.api+json", kind: "json", required: true } }), { body: { a: 1 } })
    expect(json.init.body).toBe('{"a":1}')
    expect(json.init.headers.get("content-type")).toBe("application/vnd.api+json")
    const bytes = Buffer.from([0, 1, 2, 255])
    const binary = built(op({ method: "PUT", body: { mediaType: "application/octet-stream", kind: "binary", required: true } }), {
      body: { type: "file", mimeType: "image/png", base64: bytes.toString("base64") }
    })
    expect(Buffer.compare(binary.init.body as Buffer, bytes)).toBe(0)
    expect(binary.init.headers.get("content-type")).toBe("image/png")
    const text = built(op({ method: "POST", body: { mediaType: "text/plain", kind: "text", required: false } }), { body: "hello" })
    expect(text.init.body).toBe("hello")
  })

  it("unknown, missing and non-object arguments are refused with the names that would work", () => {
    const operation = op({ path: "/t/{id}", parameters: [{ ...param("id", "path", "simple", false), required: true }] })
    expect(buildRequest(operation, "x", ctx())).toMatchObject({ ok: false, code: "invalid_arguments" })
    expect(buildRequest(operation, { id: 1, idd: 2 }, ctx())).toMatchObject({ ok: false, message: expect.stringContaining('"idd"') })
    expect(buildRequest(operation, {}, ctx())).toMatchObject({ ok: false, message: expect.stringContaining("id") })
    expect(buildRequest(op({}), {}, ctx({ baseUrl: undefined }))).toMatchObject({ ok: false, code: "missing_base_url" })
  })
})

describe("compiling security schemes and names", () => {
  const doc = {
    openapi: "3.1.0",
    info: { title: "Auth", version: "1" },
    components: {
      securitySchemes: {
        "api key": { type: "apiKey", in: "query", name: "key" },
        bearer: { type: "http", scheme: "bearer" },
        oauth: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a/auth", tokenUrl: "https://a/token", scopes: {} } } },
        oidc: { type: "openIdConnect", openIdConnectUrl: "https://a/.well-known/openid-configuration" }
      }
    },
    paths: {
      "/v1/widgets/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        get: { responses: { "200": { description: "ok" } } },
        delete: { operationId: "remove_widget", responses: { "204": { description: "gone" } } }
      },
      "/v1/widgets": { get: { operationId: "list-widgets", responses: { "200": { description: "ok" } } } },
      "/v1/other": { get: { operationId: "list-widgets", responses: { "200": { description: "ok" } } } }
    }
  }

  it("every scheme becomes an auth method; OAuth and OpenID Connect are described", () => {
    const spec = compile(doc)
    expect(spec.authMethods.map((m) => [m.template, m.kind])).toEqual([
      ["api_key", "apikey"],
      ["bearer", "apikey"],
      ["oauth", "oauth"],
      ["oidc", "oauth"],
      ["none", "none"]
    ])
    expect(spec.authMethods[2]?.oauth).toMatchObject({ type: "oauth2", flows: { authorizationCode: { tokenUrl: "https://a/token" } } })
    expect(spec.authMethods[3]?.oauth).toMatchObject({ openIdConnectUrl: "https://a/.well-known/openid-configuration" })
    expect(spec.schemes.api_key).toEqual({ kind: "apiKey", in: "query", name: "key" })
  })

  it("names come from the path when there is no tag or operationId, stay unique, and writes need approval", () => {
    const spec = compile(doc)
    expect(spec.tools.map((t) => [t.name, t.requiresApproval])).toEqual([
      ["widgets.getWidgetsById", false],
      ["widgets.removeWidget", true],
      ["widgets.listWidgets", false],
      ["other.listWidgets", false]
    ])
    expect(compile(doc).tools.map((t) => t.name)).toEqual(spec.tools.map((t) => t.name))
  })
})

describe("review fixes: servers, keys, values that would change the request", () => {
  const doc = {
    openapi: "3.0.3",
    info: { title: "S", version: "1" },
    servers: [{ url: "https://api.example.com/v1" }],
    components: { securitySchemes: { key: { type: "apiKey", in: "query", name: "appid" }, hdr: { type: "apiKey", in: "header", name: "X-Key" } } },
    paths: {
      "/upload": {
        post: { operationId: "upload", servers: [{ url: "https://{region}.uploads.example.com", variables: { region: { default: "eu" } } }], responses: { "201": { description: "ok" } } }
      },
      "/mirror": { servers: [{ url: "/mirror-api" }], get: { operationId: "mirror", responses: { "204": { description: "none" }, default: { description: "error", content: { "application/json": { schema: { type: "object", properties: { error: { type: "string" } } } } } } } } },
      "/weather": {
        parameters: [{ name: "X-Trace", in: "header", schema: { type: "string" } }],
        get: {
          operationId: "weather",
          parameters: [
            { name: "q", in: "query", required: true, schema: { type: "string" } },
            { name: "appid", in: "query", required: true, schema: { type: "string" } },
            { name: "x-key", in: "header", required: true, schema: { type: "string" } },
            { name: "x-trace", in: "header", required: true, schema: { type: "string" } },
            { name: "path", in: "query", allowReserved: true, schema: { type: "string" } }
          ],
          responses: { "200": { description: "ok" } }
        }
      }
    }
  }
  const spec = compile(doc)
  const opOf = (name: string) => spec.operations.find((o) => o.name.endsWith(name))!

  it("operation and path-item servers (templated or relative) are used unless the integration sets baseUrl", () => {
    expect(built(opOf("upload"), {}, ctx({ baseUrl: "https://api.example.com/v1" })).url).toBe("https://eu.uploads.example.com/upload")
    expect(built(opOf("mirror"), {}, ctx({ baseUrl: "https://api.example.com/v1" })).url).toBe("https://api.example.com/mirror-api/mirror")
    const overridden = built(opOf("upload"), {}, ctx({ baseUrl: "https://ghe.acme.test/api", baseUrlOverridden: true }))
    expect(overridden.url).toBe("https://ghe.acme.test/api/upload")
  })

  it("parameters that are the API key are the connection's, not the agent's; header names merge case-insensitively", () => {
    const weather = spec.tools.find((t) => t.name.endsWith("weather"))!
    expect(Object.keys(weather.inputSchema.properties as object).sort()).toEqual(["path", "q", "x-trace"])
    const r = built(opOf("weather"), { q: "Paris", "x-trace": "t", path: "a/b:c" }, ctx({ scheme: { kind: "apiKey", in: "query", name: "appid" }, credentials: { token: "KEY" } }))
    expect(r.url).toBe("https://api.example.com/v2/weather?q=Paris&path=a/b:c&appid=KEY")
  })

  it("a configured header or query value is never replaced by an argument", () => {
    const operation = op({ parameters: [param("X-Tenant", "header", "simple", false), param("v", "query", "form", true)] })
    const r = built(operation, { "X-Tenant": "evil", v: "9" }, ctx({ headers: { "x-tenant": "mine" }, queryParams: { v: "2" } }))
    expect(r.init.headers.get("x-tenant")).toBe("mine")
    expect(r.url).toBe("https://api.example.com/v2/things?v=2")
  })

  it("success output prefers any 2xx over default; document-level `security: []` sends no credential", () => {
    expect(spec.tools.find((t) => t.name.endsWith("mirror"))?.outputSchema).toBeUndefined()
    const open = compile({ ...doc, security: [] })
    expect(open.operations.every((o) => !o.authenticated)).toBe(true)
  })

  it('path values "", "." and ".." and header values with line breaks are refused, without echoing the value', () => {
    const operation = op({ path: "/users/{id}/profile", parameters: [{ ...param("id", "path", "simple", false), required: true }, param("X-Note", "header", "simple", false)] })
    expect(buildRequest(operation, { id: ".." }, ctx())).toMatchObject({ ok: false, code: "invalid_arguments" })
    expect(buildRequest(operation, { id: "" }, ctx())).toMatchObject({ ok: false, code: "invalid_arguments" })
    const injected = buildRequest(operation, { id: "1", "X-Note": "a\r\nX-Evil: 1" }, ctx())
    expect(injected).toMatchObject({ ok: false, code: "invalid_arguments" })
    expect(JSON.stringify(injected)).not.toContain("X-Evil")
    const badToken = buildRequest(op({}), {}, ctx({ scheme: { kind: "bearer" }, credentials: { token: "line1\nsecret" } }))
    expect(badToken).toMatchObject({ ok: false, code: "connection_unavailable" })
    expect(JSON.stringify(badToken)).not.toContain("secret")
  })

  it("spaceDelimited and pipeDelimited with explode repeat the parameter; cookie arrays are comma-joined", () => {
    const operation = op({ parameters: [param("s", "query", "spaceDelimited", true), param("c", "cookie", "form", false)] })
    const r = built(operation, { s: ["a", "b"], c: ["x", "y"] })
    expect(r.url).toBe("https://api.example.com/v2/things?s=a&s=b")
    expect(r.init.headers.get("cookie")).toBe("c=x%2Cy")
  })
})
