import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { PHOTO_BYTES, type PetStoreUpstream, startPetStore } from "@executor/testing"
import { afterEach, assert, describe, it } from "vitest"
import { REAL_DAEMON, startDaemon } from "./support/daemon"

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Json = Record<string, unknown>
type ToolResult = { ok: boolean; data?: unknown; error?: { code: string; message: string; status?: number }; http?: { status: number; headers: Record<string, string> } }

describe("OpenAPI tools through the real daemon", () => {
  it("GET with path and array query, POST paused then approved, form, multipart upload, binary download, 401", async () => {
    const store: PetStoreUpstream = await startPetStore()
    cleanups.push(() => store.close())
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-e2e-openapi-"))
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const daemon = await startDaemon({ dataDir, entry: REAL_DAEMON })
    cleanups.push(() => daemon.stop("SIGKILL"))
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim()
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${daemon.baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      return { status: response.status, body: (await response.json()) as Json }
    }
    const run = async (code: string, autoApprove = false) => {
      const { status, body } = await call("POST", "/api/executions", { code, ...(autoApprove ? { autoApprove } : {}) })
      assert.strictEqual(status, 200, JSON.stringify(body))
      return body as Json & { status: string; executionId: string; structured: { result: unknown; interaction?: Json } }
    }
    const tool = async (address: string, args: unknown, autoApprove = true) =>
      (await run(`return await tools.${address}(${JSON.stringify(args)})`, autoApprove)).structured.result as ToolResult

    const added = await call("POST", "/api/openapi/specs", { slug: "pets", spec: { kind: "url", url: `${store.url}/openapi.yaml` } })
    assert.deepStrictEqual([added.status, added.body], [201, { slug: "pets", toolCount: 9 }])
    for (const [name, value] of [["main", store.apiKey], ["wrong", "wrong-key-value"]]) {
      const connected = await call("POST", "/api/connections", { owner: "org", integration: "pets", name, template: "apiKey", value })
      assert.strictEqual(connected.status, 201)
    }

    // GET: a path parameter that needs encoding, an exploded array query parameter, a header parameter.
    const listed = await tool("pets.org.main.pets.listPhotos", { petId: "a/b", tags: ["x", "y z"], limit: 5, "X-Trace": "e2e" }, false)
    assert.isTrue(listed.ok)
    assert.deepStrictEqual(listed.data, { petId: "a/b", tags: ["x", "y z"], limit: "5", trace: "e2e", query: "?tags=x&tags=y%20z&limit=5" })
    assert.strictEqual(listed.http?.status, 200)
    assert.strictEqual(listed.http?.headers["content-type"], "application/json")

    // POST: needs approval by default; nothing reaches the upstream until it is given.
    const paused = await run(`const r = await tools.pets.org.main.pets.createPet({ body: { name: "Rex", tag: "dog" } }); return r.data`)
    assert.strictEqual(paused.status, "paused")
    assert.strictEqual(paused.structured.interaction?.address, "tools.pets.org.main.pets.createPet")
    assert.strictEqual(store.created.length, 0)
    const resumed = await call("POST", `/api/executions/${paused.executionId}/resume`, { action: "accept" })
    assert.strictEqual(resumed.status, 200)
    assert.strictEqual(resumed.body.status, "completed")
    assert.deepStrictEqual((resumed.body.structured as Json).result, { id: 1, name: "Rex", tag: "dog" })
    assert.deepStrictEqual(store.created, [{ id: 1, name: "Rex", tag: "dog" }])

    const noted = await tool("pets.org.main.pets.addNote", { petId: "7", body: { text: "good & calm", mood: "happy" } })
    assert.deepStrictEqual(noted.data, { petId: "7", text: "good & calm", mood: "happy", contentType: "application/x-www-form-urlencoded;charset=UTF-8" })

    const upload = crypto.randomBytes(2048)
    const uploaded = await tool("pets.org.main.photos.uploadPhoto", {
      petId: "7",
      body: { caption: "at the beach", file: { type: "file", name: "beach.png", mimeType: "image/png", base64: upload.toString("base64") } }
    })
    assert.deepStrictEqual(uploaded.data, {
      petId: "7",
      caption: "at the beach",
      fileName: "beach.png",
      fileType: "image/png",
      size: 2048,
      sha256: crypto.createHash("sha256").update(upload).digest("hex")
    })

    const downloaded = await tool("pets.org.main.photos.downloadPhoto", { petId: "7" }, false)
    assert.deepStrictEqual(downloaded.data, {
      type: "file",
      name: "pet-7.png",
      mimeType: "image/png",
      size: PHOTO_BYTES.length,
      base64: PHOTO_BYTES.toString("base64")
    })

    const refused = await tool("pets.org.wrong.pets.listPhotos", { petId: "7" }, false)
    assert.strictEqual(refused.ok, false)
    assert.strictEqual(refused.error?.code, "connection_rejected")
    assert.strictEqual(refused.error?.status, 401)
    assert.notInclude(JSON.stringify(refused), "wrong-key-value")

    assert.isTrue(store.requests.every((r) => r.userAgent.startsWith("executor/")))
    const health = await fetch(`${daemon.baseUrl}/api/health`)
    assert.strictEqual(health.status, 200)
  })
})
