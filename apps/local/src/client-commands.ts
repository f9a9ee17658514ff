import * as fs from "node:fs"
import { Console, Effect, Schema } from "effect"
import { dataPaths, readToken } from "./data-dir"
import { StartupError } from "./serve"

/** Where the running daemon is and how to authenticate to it. */
export interface DaemonTarget {
  readonly baseUrl: string
  readonly dataDir: string
}

const fail = (message: string) => new StartupError({ message })

const tokenOf = (target: DaemonTarget) =>
  Effect.try({
    try: () => process.env.EXECUTOR_TOKEN ?? readToken(dataPaths(target.dataDir).token),
    catch: () => fail(`No token in ${dataPaths(target.dataDir).token}: start the daemon with \`executor serve\` first`)
  })

const Json = Schema.parseJson()
const decodeJson = Schema.decodeUnknown(Json)

/** The CLI's one HTTP client: every command talks to the daemon through here. */
const request = (target: DaemonTarget, method: string, route: string, body?: unknown) =>
  Effect.gen(function* () {
    const token = yield* tokenOf(target)
    const response = yield* Effect.tryPromise({
      try: () =>
        fetch(`${target.baseUrl}${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) })
        }),
      catch: () => fail(`No daemon answers at ${target.baseUrl}: start it with \`executor serve\``)
    })
    const text = yield* Effect.promise(() => response.text())
    const parsed = yield* Effect.orElseSucceed(decodeJson(text), () => ({ message: text }))
    if (response.status >= 400) {
      const tag = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "_tag") : undefined
      const message = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "message") : undefined
      return yield* Effect.fail(fail(`${String(tag ?? response.status)}: ${String(message ?? text)}`))
    }
    return parsed
  })

const field = (value: unknown, key: string): unknown => (typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined)

/** Prints an execute/resume answer; a failure exits 1, a pause exits 2. */
const printOutcome = (outcome: unknown) =>
  Effect.gen(function* () {
    const status = field(outcome, "status")
    yield* Console.log(String(field(outcome, "text") ?? ""))
    if (status === "paused") process.exitCode = 2
    else if (field(outcome, "isError") === true) process.exitCode = 1
  })

export const runCode = (target: DaemonTarget, file: string | undefined, timeoutMs: number | undefined) =>
  Effect.gen(function* () {
    if (!file) return yield* Effect.fail(fail("Usage: executor run FILE (or - for stdin)"))
    const code = yield* Effect.try({
      try: () => fs.readFileSync(file === "-" ? 0 : file, "utf8"),
      catch: () => fail(`Cannot read ${file === "-" ? "stdin" : file}`)
    })
    return yield* printOutcome(yield* request(target, "POST", "/api/executions", { code, ...(timeoutMs ? { timeoutMs } : {}) }))
  })

export const resume = (target: DaemonTarget, id: string | undefined, action: string | undefined) =>
  Effect.gen(function* () {
    if (!id || (action !== "accept" && action !== "decline" && action !== "cancel")) {
      return yield* Effect.fail(fail("Usage: executor resume ID accept|decline|cancel"))
    }
    return yield* printOutcome(yield* request(target, "POST", `/api/executions/${encodeURIComponent(id)}/resume`, { action }))
  })

export const listExecutions = (target: DaemonTarget, status: string | undefined) =>
  Effect.gen(function* () {
    const page = yield* request(target, "GET", `/api/executions?limit=50${status ? `&status=${encodeURIComponent(status)}` : ""}`)
    const items = field(page, "items")
    for (const item of Array.isArray(items) ? items : []) {
      const created = new Date(Number(field(item, "createdAt"))).toISOString()
      yield* Console.log(`${field(item, "id")}  ${String(field(item, "status")).padEnd(9)}  ${created}  ${field(item, "toolCallCount")} calls`)
    }
  })

export const showExecution = (target: DaemonTarget, id: string | undefined) =>
  Effect.gen(function* () {
    if (!id) return yield* Effect.fail(fail("Usage: executor executions show ID"))
    yield* Console.log(JSON.stringify(yield* request(target, "GET", `/api/executions/${encodeURIComponent(id)}`), null, 2))
  })

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

const describeEvent = (event: unknown) => {
  const payload = field(event, "payload")
  const type = String(field(event, "type"))
  const detail =
    type === "console"
      ? String(field(payload, "message"))
      : type.startsWith("tool.")
        ? `${field(payload, "address")}${field(payload, "outcome") ? ` → ${field(payload, "outcome")}` : ""}`
        : type === "execution.paused"
          ? String(field(field(payload, "interaction"), "message"))
          : type === "execution.failed" || type === "execution.cancelled"
            ? String(field(field(payload, "error"), "message"))
            : ""
  return `#${field(event, "sequence")} ${type}${detail ? `  ${detail}` : ""}`
}

/** Follows an execution's event stream until it ends, with a spinner on a terminal while it waits. */
export const tail = (target: DaemonTarget, id: string | undefined) =>
  Effect.gen(function* () {
    if (!id) return yield* Effect.fail(fail("Usage: executor executions tail ID"))
    const token = yield* tokenOf(target)
    const response = yield* Effect.tryPromise({
      try: () => fetch(`${target.baseUrl}/api/executions/${encodeURIComponent(id)}/stream`, { headers: { authorization: `Bearer ${token}` } }),
      catch: () => fail(`No daemon answers at ${target.baseUrl}: start it with \`executor serve\``)
    })
    if (response.status !== 200 || !response.body) return yield* Effect.fail(fail(`Cannot follow ${id}: HTTP ${response.status}`))
    const body = response.body
    const last = yield* Effect.promise(async () => {
      const spinning = process.stderr.isTTY
      let frame = 0
      const spinner = spinning
        ? setInterval(() => process.stderr.write(`\r${SPINNER[frame++ % SPINNER.length]} waiting for events…`), 100)
        : undefined
      const clear = () => spinning && process.stderr.write("\r\x1b[K")
      const decoder = new TextDecoder()
      let buffer = ""
      let lastType = ""
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true })
        const frames = buffer.split("\n\n")
        buffer = frames.pop() ?? ""
        for (const text of frames) {
          const data = /^data: (.*)$/m.exec(text)?.[1]
          if (!data) continue
          const event = Schema.decodeUnknownOption(Json)(data)
          if (event._tag === "None") continue
          clear()
          process.stdout.write(`${describeEvent(event.value)}\n`)
          lastType = String(field(event.value, "type"))
        }
      }
      if (spinner) clearInterval(spinner)
      clear()
      return lastType
    })
    if (last !== "execution.completed") process.exitCode = 1
  })

/** `tools search` and `tools describe` run the sandbox's own discovery calls, so they rank exactly as agents see. */
export const searchTools = (target: DaemonTarget, query: string) =>
  Effect.gen(function* () {
    const outcome = yield* request(target, "POST", "/api/executions", {
      code: `return await tools.search({ query: ${JSON.stringify(query)}, limit: 20 })`
    })
    const items = field(field(field(outcome, "structured"), "result"), "items")
    for (const item of Array.isArray(items) ? items : []) {
      yield* Console.log(`${field(item, "path")}${field(item, "requiresApproval") ? "  (needs approval)" : ""}\n    ${field(item, "description")}`)
    }
    if (!Array.isArray(items) || items.length === 0) yield* Console.log("No tools match.")
  })

export const describeTool = (target: DaemonTarget, toolPath: string | undefined) =>
  Effect.gen(function* () {
    if (!toolPath) return yield* Effect.fail(fail("Usage: executor tools describe PATH"))
    const outcome = yield* request(target, "POST", "/api/executions", {
      code: `return await tools.describe.tool({ path: ${JSON.stringify(toolPath)} })`
    })
    const result = field(field(outcome, "structured"), "result")
    if (field(result, "found") === false) {
      const suggestions = field(result, "suggestions")
      yield* Console.log(`${field(result, "message")}${Array.isArray(suggestions) && suggestions.length > 0 ? `\nDid you mean:\n  ${suggestions.join("\n  ")}` : ""}`)
      process.exitCode = 1
      return
    }
    yield* Console.log(`${field(result, "path")}\n  ${field(result, "description")}\n\n${field(result, "signature")}`)
  })
