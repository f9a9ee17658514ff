import { Either } from "effect"
import type { Owner } from "./ids"
import { type Policy, type PolicyAction, stricter } from "./policy"
import { addressPath, type CompiledPattern, compilePattern, matchesPattern } from "./policy-pattern"

export interface CompiledPolicy {
  readonly policy: Policy
  readonly pattern: CompiledPattern
}

/** Rules grouped by owner, each group in precedence order (position, then age). */
export interface PolicySet {
  readonly byOwner: ReadonlyMap<Owner, ReadonlyArray<CompiledPolicy>>
}

export const compilePolicySet = (policies: ReadonlyArray<Policy>): PolicySet => {
  const byOwner = new Map<Owner, Array<CompiledPolicy>>()
  const sorted = [...policies].sort(
    (a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : a.createdAt - b.createdAt)
  )
  for (const policy of sorted) {
    const compiled = compilePattern(policy.pattern)
    // Stored patterns were validated on write; one that no longer compiles is ignored.
    if (Either.isLeft(compiled)) continue
    const group = byOwner.get(policy.owner) ?? []
    group.push({ policy, pattern: compiled.right })
    byOwner.set(policy.owner, group)
  }
  return { byOwner }
}

export interface Decision {
  readonly action: PolicyAction
  /** The rule that decided, or `undefined` when the plugin's default applied. */
  readonly policy: Policy | undefined
}

/**
 * Per owner the first matching rule applies; across owners the strictest wins;
 * with no match at all the plugin's default decides.
 */
export const decide = (set: PolicySet, address: string, defaultRequiresApproval: boolean): Decision => {
  const path = addressPath(address)
  let decision: Decision | undefined
  for (const rules of set.byOwner.values()) {
    const hit = rules.find((rule) => matchesPattern(rule.pattern, path))
    if (!hit) continue
    if (!decision || stricter(decision.action, hit.policy.action) !== decision.action) {
      decision = { action: hit.policy.action, policy: hit.policy }
    }
  }
  return decision ?? { action: defaultRequiresApproval ? "require_approval" : "approve", policy: undefined }
}
