import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/**
 * A real HTTP API for the OpenAPI plugin's tests: it serves its own OpenAPI 3
 * description (YAML at /openapi.yaml, JSON at /openapi.json), requires an API key
 * in `X-API-Key`, and answers with what it received so tests can check the wire
 * format: path and array query parameters, JSON, form and multipart bodies, a
 * binary download, a slow route, a redirect, an error that echoes the key, a 401.
 */
export interface PetStoreUpstream {
  readonly url: string
  readonly apiKey: string
  /** Every request received, in order. */
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly userAgent: string }>
  /** Pets created through POST /pets. */
  readonly created: Array<unknown>
  readonly close: () => Promise<void>
}

/** The PNG bytes GET /pets/{petId}/photo answers with. */
export const PHOTO_BYTES = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex"
)

export const petStoreDocument = (serverUrl: string) => `openapi: 3.0.3
info:
  title: Pet Store
  version: 1.0.0
  description: A small pet store used by the tests.
servers:
  - url: ${serverUrl}/{basePath}
    variables:
      basePath:
        default: v1
security:
  - apiKey: []
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-API-Key
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: integer }
        name: { type: string }
        tag: { type: string }
        parent: { $ref: '#/components/schemas/Pet' }
    NewPet:
      type: object
      required: [name]
      properties:
        name: { type: string, description: The pet's name }
        tag: { type: string }
paths:
  /pets:
    post:
      tags: [pets]
      operationId: createPet
      summary: Add a new pet to the store
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewPet' }
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Pet' }
  /pets/{petId}/photos:
    get:
      tags: [pets]
      operationId: listPhotos
      summary: List the photos of a pet
      parameters:
        - { name: petId, in: path, required: true, schema: { type: string } }
        - name: tags
          in: query
          style: form
          explode: true
          schema: { type: array, items: { type: string } }
        - { name: limit, in: query, schema: { type: integer } }
        - { name: X-Trace, in: header, schema: { type: string } }
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: { type: object }
  /pets/{petId}/notes:
    post:
      tags: [pets]
      operationId: addNote
      summary: Attach a note to a pet
      parameters:
        - { name: petId, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                text: { type: string }
                mood: { type: string }
      responses:
        '200': { description: OK, content: { application/json: { schema: { type: object } } } }
  /pets/{petId}/photo:
    get:
      tags: [photos]
      operationId: downloadPhoto
      summary: Download a pet's photo
      parameters:
        - { name: petId, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: The photo
          content:
            image/png:
              schema: { type: string, format: binary }
    post:
      tags: [photos]
      operationId: uploadPhoto
      summary: Upload a photo of a pet
      parameters:
        - { name: petId, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                caption: { type: string }
                file: { type: string, format: binary }
      responses:
        '200': { description: OK, content: { application/json: { schema: { type: object } } } }
  /slow:
    get:
      operationId: slow
      summary: Answers after a delay
      parameters:
        - { name: ms, in: query, required: true, schema: { type: integer } }
      responses:
        '200': { description: OK }
  /fail:
    get:
      operationId: fail
      summary: Always fails with a server error
      responses:
        '500': { description: Error }
  /redirect:
    get:
      operationId: redirect
      summary: Redirects to another URL
      parameters:
        - { name: to, in: query, required: true, schema: { type: string } }
      responses:
        '200': { description: OK, content: { application/json: { schema: { type: object } } } }
  /ping:
    get:
      operationId: ping
      summary: Health check that needs no key
      security: []
      responses:
        '200': { description: OK, content: { text/plain: { schema: { type: string } } } }
`

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify(body))
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

export const startPetStore = (options: { apiKey?: string } = {}): Promise<PetStoreUpstream> =>
  new Promise((resolve) => {
    const apiKey = options.apiKey ?? "pet-key-0123456789"
    const requests: Array<{ method: string; path: string; userAgent: string }> = []
    const created: Array<unknown> = []
    let base = ""
    const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://localhost")
      requests.push({ method: req.method ?? "", path: `${url.pathname}${url.search}`, userAgent: req.headers["user-agent"] ?? "" })
      const body = await readBody(req)
      if (url.pathname === "/openapi.yaml") {
        res.writeHead(200, { "content-type": "application/yaml" })
        return res.end(petStoreDocument(base))
      }
      if (url.pathname === "/v1/ping") {
        res.writeHead(200, { "content-type": "text/plain" })
        return res.end("pong")
      }
      if (req.headers["x-api-key"] !== apiKey) return json(res, 401, { message: "Missing or wrong API key" })
      const parts = url.pathname.split("/").filter((s) => s.length > 0)
      if (parts[0] !== "v1") return json(res, 404, { message: "Not found" })
      const [, resource, id, sub] = parts
      if (req.method === "POST" && resource === "pets" && id === undefined) {
        const pet = { id: created.length + 1, ...JSON.parse(body.toString("utf8")) }
        created.push(pet)
        return json(res, 201, pet)
      }
      if (req.method === "GET" && resource === "pets" && sub === "photos") {
        return json(res, 200, {
          petId: decodeURIComponent(id ?? ""),
          tags: url.searchParams.getAll("tags"),
          limit: url.searchParams.get("limit"),
          trace: req.headers["x-trace"] ?? null,
          query: url.search
        })
      }
      if (req.method === "POST" && resource === "pets" && sub === "notes") {
        const form = new URLSearchParams(body.toString("utf8"))
        return json(res, 200, { petId: id, text: form.get("text"), mood: form.get("mood"), contentType: req.headers["content-type"] })
      }
      if (resource === "pets" && sub === "photo" && req.method === "GET") {
        res.writeHead(200, { "content-type": "image/png", "content-disposition": `attachment; filename="pet-${id}.png"` })
        return res.end(PHOTO_BYTES)
      }
      if (resource === "pets" && sub === "photo" && req.method === "POST") {
        const form = await new Request("http://localhost/", {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "" },
          body
        }).formData()
        const file = form.get("file")
        const bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.from(String(file ?? ""))
        return json(res, 200, {
          petId: id,
          caption: form.get("caption"),
          fileName: file instanceof File ? file.name : null,
          fileType: file instanceof Blob ? file.type : null,
          size: bytes.length,
          sha256: crypto.createHash("sha256").update(bytes).digest("hex")
        })
      }
      if (resource === "slow") {
        await new Promise((r) => setTimeout(r, Number(url.searchParams.get("ms") ?? "0")))
        return json(res, 200, { slept: true })
      }
      if (resource === "redirect") {
        res.writeHead(302, { location: url.searchParams.get("to") ?? "/" })
        return res.end()
      }
      if (resource === "fail") return json(res, 500, { message: `Internal failure while handling key ${apiKey}` })
      return json(res, 404, { message: "Not found" })
    }
    const server = http.createServer((req, res) => {
      handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }))
    })
    server.keepAliveTimeout = 60_000
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resolve({
        url: base,
        apiKey,
        requests,
        created,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
