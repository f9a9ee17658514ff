import { parentPort, workerData } from "node:worker_threads"
import variant from "@jitl/quickjs-singlefile-mjs-release-sync"
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core"
import type { FromWorker, ToWorker } from "./protocol"
import { Run } from "./runner"

/**
 * A sandbox worker thread: one QuickJS module, one run at a time, each in a
 * fresh runtime. The main thread never evaluates user code.
 */
const port = parentPort
if (!port) throw new Error("the sandbox worker must run in a worker thread")

const stop = new Int32Array(workerData.stop)
const module = await newQuickJSWASMModuleFromVariant(variant)
const send = (message: FromWorker) => port.postMessage(message)

interface Current {
  readonly id: string
  readonly run: Run
  timer: ReturnType<typeof setTimeout> | undefined
}

let current: Current | undefined

const clearTimer = (entry: Current) => {
  if (entry.timer !== undefined) clearTimeout(entry.timer)
  entry.timer = undefined
}

/** A failure inside QuickJS itself may leave the module unusable: this worker exits and the pool replaces it. */
const guarded = (action: () => void) => {
  try {
    action()
  } catch (cause) {
    console.error("sandbox worker fault", cause)
    process.exit(70)
  }
}

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "run": {
      const deadline = Date.now() + message.limits.timeoutMs
      guarded(() => {
        const entry: Current = {
          id: message.id,
          timer: undefined,
          run: new Run(module, message.limits, stop, {
            idle: (calls, progress) => {
              clearTimer(entry)
              entry.timer = setTimeout(() => guarded(() => entry.run.halt("timeout")), Math.max(0, deadline - Date.now()))
              send({ type: "idle", id: entry.id, calls, ...progress })
            },
            done: (outcome, progress) => {
              clearTimer(entry)
              if (current === entry) current = undefined
              send({ type: "done", id: entry.id, outcome, ...progress })
            }
          })
        }
        current = entry
        entry.run.start(message.code, message.replay)
      })
      return
    }
    case "answer":
      if (current?.id === message.id) {
        const run = current.run
        guarded(() => run.answer(message.seq, message.outcome))
      }
      return
    case "stop":
      if (current?.id === message.id) {
        const run = current.run
        guarded(() => run.halt(message.reason))
      }
      return
  }
})

send({ type: "ready" })
