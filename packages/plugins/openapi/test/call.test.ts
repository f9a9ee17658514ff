import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as zlib from "node:zlib"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MAX_RESPONSE_BYTES, redactor, send } from "../src/call"

let server: http.Server
let base = ""
const bomb = zlib.gzipSync(Buffer.alloc(MAX_RESPONSE_BYTES * 4))

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/large") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(MAX_RESPONSE_BYTES * 2) })
      return res.end()
    }
    if (req.url === "/name") {
      res.writeHead(200, { "content-type": "application/pdf", "content-disposition": 'attachment; filename="100% done.pdf"' })
      return res.end("%PDF")
    }
    if (req.url === "/bomb") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bomb.length) })
      return res.end(bomb)
    }
    res.writeHead(400, { "content-type": "application/json" })
    res.end(JSON.stringify({ message: `bad credential ${req.headers["x-key"] ?? ""}` }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const call = (path: string, method = "GET", headers: Record<string, string> = {}, secrets: Array<string> = []) =>
  Effect.runPromise(
    send({
      url: `${base}${path}`,
      init: { method, headers: new Headers(headers) },
      timeoutMs: 10_000,
      signal: undefined,
      secrets,
      credentialHeaders: [],
      credentialQuery: []
    })
  )

describe("sending a request", () => {
  it("a HEAD answer has no body to bound, whatever its content-length says", async () => {
    expect(await call("/large", "HEAD")).toMatchObject({ ok: true, data: null, http: { status: 200 } })
    expect(await call("/large")).toMatchObject({ ok: false, error: { code: "response_too_large" } })
  })

  it("a file name that is not valid percent-encoding is kept as it is", async () => {
    expect(await call("/name")).toMatchObject({ ok: true, data: { type: "file", name: "100% done.pdf", mimeType: "application/pdf" } })
  })

  it("a compressed body is bounded by its decompressed size", async () => {
    expect(await call("/bomb")).toMatchObject({ ok: false, error: { code: "response_too_large" } })
  })

  it("credentials are redacted in every form an error body may quote them: plain, URL-encoded, JSON-escaped", async () => {
    const secret = 'pa"ss\\word'
    const failed = await call("/echo", "GET", { "x-key": secret }, [secret])
    expect(JSON.stringify(failed)).not.toContain("pa\\\\\\\"ss")
    expect(failed).toMatchObject({ ok: false, error: { code: "upstream_http_error" } })
    expect(failed.ok ? "" : failed.error.message).toContain("[redacted]")
    expect(redactor(["s3cr3t/+"])(`a s3cr3t/+ b ${encodeURIComponent("s3cr3t/+")} c`)).toBe("a [redacted] b [redacted] c")
  })
})
