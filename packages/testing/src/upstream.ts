import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface CountingUpstream {
  readonly url: string
  /** Every call received, in order. */
  readonly calls: Array<{ readonly tool: string; readonly args: unknown }>
  readonly close: () => Promise<void>
}

/**
 * A real HTTP server that records each call the fixture plugin forwards to it
 * and answers with the call's running number; tests use it to prove a tool call
 * ran exactly once.
 */
export const startCountingUpstream = (): Promise<CountingUpstream> =>
  new Promise((resolve) => {
    const calls: Array<{ tool: string; args: unknown }> = []
    const server = http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
      req.on("end", () => {
        const parsed: unknown = body ? JSON.parse(body) : {}
        const tool = typeof parsed === "object" && parsed !== null ? String(Reflect.get(parsed, "tool")) : "?"
        calls.push({ tool, args: typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "args") : undefined })
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ tool, count: calls.length }))
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({ url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
