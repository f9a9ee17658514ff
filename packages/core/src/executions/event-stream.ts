import type { Option} from "effect";
import { Effect, Stream } from "effect"
import type { ExecutionNotFoundError } from "../domain/errors"
import { type ExecutionEvent, TERMINAL_EVENTS, TERMINAL_STATUSES } from "../domain/execution"
import type { ExecutionRow } from "../storage/executions-repo"
import type { Active } from "./active"

type Listener = (event: ExecutionEvent) => void

/** In-process fan-out of execution events to their subscribers. */
export const makeListeners = () => {
  const byExecution = new Map<string, Set<Listener>>()
  return {
    publish: (event: ExecutionEvent) => {
      for (const listener of byExecution.get(event.executionId) ?? []) listener(event)
    },
    subscribe: (id: string, listener: Listener) => {
      const set = byExecution.get(id) ?? new Set()
      set.add(listener)
      byExecution.set(id, set)
      return () => {
        set.delete(listener)
        if (set.size === 0) byExecution.delete(id)
      }
    }
  }
}

export type Listeners = ReturnType<typeof makeListeners>

/** Events from storage and from the unflushed buffer, each sequence once, in order. */
export const mergeEvents = (a: ReadonlyArray<ExecutionEvent>, b: ReadonlyArray<ExecutionEvent>): Array<ExecutionEvent> => {
  const bySequence = new Map<number, ExecutionEvent>()
  for (const event of [...a, ...b]) bySequence.set(event.sequence, event)
  return [...bySequence.values()].sort((x, y) => x.sequence - y.sequence)
}

export interface EventStreamInput {
  readonly id: string
  readonly afterSequence: number
  readonly getRow: (id: string) => Effect.Effect<ExecutionRow, ExecutionNotFoundError>
  readonly readEvents: (id: string, afterSequence: number, limit: number) => Effect.Effect<ReadonlyArray<ExecutionEvent>>
  readonly listeners: Listeners
  /** The execution's in-memory state while it runs in this process. */
  readonly live: () => Active | undefined
}

/**
 * Every event after `afterSequence` exactly once and in order: it subscribes
 * first, then reads history (storage plus the unflushed buffer), then tails.
 * It ends after a terminal event.
 */
export const eventStream = (input: EventStreamInput) =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const { id, afterSequence } = input
      const row = yield* input.getRow(id)
      const queue: Array<ExecutionEvent> = []
      let wake: (() => void) | undefined
      const buffered = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const unsubscribe = input.listeners.subscribe(id, (event) => {
            queue.push(event)
            wake?.()
          })
          return { unsubscribe, events: [...(input.live()?.buffer ?? [])] }
        }),
        ({ unsubscribe }) => Effect.sync(unsubscribe)
      )
      const stored: Array<ExecutionEvent> = []
      for (let after = afterSequence; ; ) {
        const page = yield* input.readEvents(id, after, 1000)
        stored.push(...page)
        if (page.length < 1000) break
        after = page.at(-1)?.sequence ?? after
      }
      const history = mergeEvents(stored, buffered.events).filter((e) => e.sequence > afterSequence)
      const ended = history.some((e) => TERMINAL_EVENTS.has(e.type)) || (TERMINAL_STATUSES.has(row.status) && !input.live())
      const tail = Stream.repeatEffectOption(
        Effect.async<ExecutionEvent, Option.Option<never>>((resume) => {
          const next = queue.shift()
          if (next) return resume(Effect.succeed(next))
          wake = () => {
            wake = undefined
            const event = queue.shift()
            if (event) resume(Effect.succeed(event))
          }
          return Effect.sync(() => {
            wake = undefined
          })
        })
      )
      let last = afterSequence
      return Stream.concat(Stream.fromIterable(history), ended ? Stream.empty : tail).pipe(
        Stream.filter((event) => {
          if (event.sequence <= last) return false
          last = event.sequence
          return true
        }),
        Stream.takeUntil((event) => TERMINAL_EVENTS.has(event.type))
      )
    })
  )
