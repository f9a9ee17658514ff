import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))

export const FIXTURE_DAEMON = path.resolve(here, "../.build/fixture-daemon.mjs")
export const REAL_DAEMON = path.resolve(here, "../../apps/local/dist/executor.mjs")

export interface RunningDaemon {
  readonly process: ChildProcess
  readonly port: number
  readonly baseUrl: string
  /** Everything the process wrote to stdout and stderr so far. */
  readonly output: () => string
  /** Sends the signal and resolves with the exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Spawns the daemon process and resolves once it prints the address it listens on. */
export const startDaemon = (options: {
  readonly dataDir: string
  readonly entry?: string
  readonly port?: number
  readonly env?: Record<string, string>
}): Promise<RunningDaemon> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [options.entry ?? FIXTURE_DAEMON, "serve", "--port", String(options.port ?? 0), "--data-dir", options.dataDir],
      { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] }
    )
    let output = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const timer = setTimeout(() => reject(new Error(`daemon did not start within 20 s:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/api/.exec(output)
      if (match) {
        clearTimeout(timer)
        const port = Number(match[1])
        resolve({
          process: child,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          output: () => output,
          stop: (signal = "SIGTERM") => {
            child.kill(signal)
            return exited
          }
        })
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`daemon exited with ${code} before listening:\n${output}`))
    })
  })

/** Runs the daemon to completion (for commands that should refuse to start). */
export const runDaemonToExit = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [FIXTURE_DAEMON, ...args], { env: { ...process.env, ...env } })
    let output = ""
    child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")))
    child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")))
    child.once("exit", (code) => resolve({ code, output }))
  })
