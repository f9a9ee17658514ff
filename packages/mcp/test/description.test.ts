import { describe, expect, it } from "vitest"
import { executeDescription } from "../src/server"

describe("execute's description", () => {
  it("names at most 20 connected integrations, however many there are, and stays short", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      slug: `api${i}`,
      name: `A very long integration name that goes on and on ${"x".repeat(200)}`,
      connections: ["org.main", "user.me", "org.other", "org.fourth"]
    }))
    const text = executeDescription(many)
    expect(text).toContain("api19 (")
    expect(text).not.toContain("api20 (")
    expect(text).toContain("and 480 more (find them with tools.search)")
    expect(text).toContain("org.main, user.me, org.other, …")
    expect(text.length).toBeLessThan(3_000)
    expect(executeDescription([])).toContain("No integrations are connected yet")
  })
})
