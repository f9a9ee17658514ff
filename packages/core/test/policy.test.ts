import { assert, describe, it } from "@effect/vitest"
import { addressPath, compilePattern, compilePolicySet, decide, matchesPattern, type Policy } from "@executor/core"
import { Either } from "effect"

const matches = (pattern: string, address: string) => {
  const compiled = compilePattern(pattern)
  assert.isTrue(Either.isRight(compiled), `pattern ${pattern} should compile`)
  return Either.isRight(compiled) && matchesPattern(compiled.right, addressPath(address))
}

const policy = (owner: "org" | "user", pattern: string, action: Policy["action"], position: string): Policy => ({
  id: `${owner}-${position}`,
  owner,
  pattern,
  action,
  position,
  createdAt: 0,
  updatedAt: 0
})

describe("policy patterns", () => {
  it("a trailing * matches the whole subtree but not the node itself", () => {
    assert.isTrue(matches("github.*", "tools.github.org.prod.issues.create"))
    assert.isTrue(matches("*", "tools.github.org.prod.issues.create"))
    assert.isFalse(matches("github.org.prod.*", "tools.github.org.prod"))
  })

  it("an inner * matches exactly one segment", () => {
    assert.isTrue(matches("github.org.*.createIssue", "tools.github.org.prod.createIssue"))
    assert.isFalse(matches("github.org.*.createIssue", "tools.github.org.prod.extra.createIssue"))
    assert.isTrue(matches("tools.github.*.*.issues.create", "tools.github.user.me.issues.create"))
  })

  it("invalid patterns say what is wrong", () => {
    for (const [pattern, reason] of [
      ["", "empty"],
      ["github..create", "empty"],
      ["github.cre*te", "whole segment"],
      ["github.$x", "may contain only"]
    ] as const) {
      const compiled = compilePattern(pattern)
      assert.isTrue(Either.isLeft(compiled))
      if (Either.isLeft(compiled)) assert.include(compiled.left, reason)
    }
  })
})

describe("policy decisions", () => {
  const address = "tools.github.org.prod.issues.create"

  it("per owner the first matching rule by position applies", () => {
    const set = compilePolicySet([
      policy("org", "github.*", "block", "2"),
      policy("org", "github.org.prod.issues.create", "approve", "1")
    ])
    assert.strictEqual(decide(set, address, true).action, "approve")
  })

  it("across owners the most restrictive wins", () => {
    const set = compilePolicySet([policy("org", "github.*", "require_approval", "1"), policy("user", "github.*", "approve", "1")])
    assert.strictEqual(decide(set, address, false).action, "require_approval")
    const blocked = compilePolicySet([policy("org", "github.*", "approve", "1"), policy("user", "*", "block", "1")])
    assert.strictEqual(decide(blocked, address, false).action, "block")
  })

  it("with no match the plugin default decides", () => {
    const set = compilePolicySet([policy("org", "slack.*", "block", "1")])
    assert.deepStrictEqual(decide(set, address, true), { action: "require_approval", policy: undefined })
    assert.strictEqual(decide(set, address, false).action, "approve")
  })
})
