import * as crypto from "node:crypto"
import { Clock, Effect, Either, Option, Ref } from "effect"
import { InvalidPolicyPatternError, PolicyNotFoundError } from "../domain/errors"
import type { Owner } from "../domain/ids"
import type { Policy, PolicyAction } from "../domain/policy"
import { compilePattern } from "../domain/policy-pattern"
import { compilePolicySet, type PolicySet } from "../domain/policy-resolve"
import { PoliciesRepo } from "../storage/policies-repo"

export interface CreatePolicyInput {
  readonly owner: Owner
  readonly pattern: string
  readonly action: PolicyAction
  readonly position?: string | undefined
}

export interface UpdatePolicyInput {
  readonly owner: Owner
  readonly pattern?: string | undefined
  readonly action?: PolicyAction | undefined
  readonly position?: string | undefined
}

const validatePattern = (pattern: string) =>
  Either.match(compilePattern(pattern), {
    onLeft: (reason) =>
      Effect.fail(new InvalidPolicyPatternError({ pattern, message: `Invalid policy pattern "${pattern}": ${reason}` })),
    onRight: (compiled) => Effect.succeed(compiled.source)
  })

/** Positions sort as strings; generated ones are zero-padded so later rules sort after earlier ones. */
const nextPosition = (existing: ReadonlyArray<Policy>, now: number) => {
  const generated = existing.map((p) => p.position).filter((p) => /^\d{16}$/.test(p))
  const last = generated.length > 0 ? Number(generated.sort().at(-1)) : 0
  return String(Math.max(last + 1, now)).padStart(16, "0")
}

export class Policies extends Effect.Service<Policies>()("executor/core/Policies", {
  effect: Effect.gen(function* () {
    const repo = yield* PoliciesRepo
    // The compiled rule set is rebuilt on every write through this service.
    const compiled = yield* Ref.make(compilePolicySet(yield* repo.list()))
    const reload = Effect.flatMap(repo.list(), (all) => Ref.set(compiled, compilePolicySet(all)))

    const getOwned = Effect.fn("Policies.getOwned")(function* (id: string, owner: Owner) {
      const found = yield* repo.get(id)
      if (Option.isNone(found) || found.value.owner !== owner) return yield* Effect.fail(PolicyNotFoundError.of(id))
      return found.value
    })

    const list = Effect.fn("Policies.list")(function* (owner?: Owner) {
      return yield* repo.list(owner)
    })

    const create = Effect.fn("Policies.create")(function* (input: CreatePolicyInput) {
      const pattern = yield* validatePattern(input.pattern)
      const now = yield* Clock.currentTimeMillis
      const policy: Policy = {
        id: `pol_${crypto.randomUUID()}`,
        owner: input.owner,
        pattern,
        action: input.action,
        position: input.position ?? nextPosition(yield* repo.list(input.owner), now),
        createdAt: now,
        updatedAt: now
      }
      yield* repo.insert(policy)
      yield* reload
      return policy
    })

    const update = Effect.fn("Policies.update")(function* (id: string, input: UpdatePolicyInput) {
      const current = yield* getOwned(id, input.owner)
      const next: Policy = {
        ...current,
        pattern: input.pattern === undefined ? current.pattern : yield* validatePattern(input.pattern),
        action: input.action ?? current.action,
        position: input.position ?? current.position,
        updatedAt: yield* Clock.currentTimeMillis
      }
      yield* repo.update(next)
      yield* reload
      return next
    })

    const remove = Effect.fn("Policies.remove")(function* (id: string, owner: Owner) {
      yield* getOwned(id, owner)
      yield* repo.remove(id)
      yield* reload
      return { removed: true as const }
    })

    const current: Effect.Effect<PolicySet> = Ref.get(compiled)

    return { list, create, update, remove, current } as const
  }),
  dependencies: [PoliciesRepo.Default]
}) {}
