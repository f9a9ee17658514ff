import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { SecretKey, seal, unseal } from "@executor/core"
import { Effect } from "effect"

describe("sealed secrets", () => {
  const key = crypto.randomBytes(32)

  it("round-trips and never contains the plaintext", () => {
    const sealed = seal(key, "sec_1", "hunter2-very-secret")
    assert.notInclude(sealed, "hunter2")
    assert.strictEqual(unseal(key, "sec_1", sealed), "hunter2-very-secret")
  })

  it("does not open under another key, another record id, or after tampering", () => {
    const sealed = seal(key, "sec_1", "value")
    assert.isUndefined(unseal(crypto.randomBytes(32), "sec_1", sealed))
    assert.isUndefined(unseal(key, "sec_2", sealed))
    const raw = Buffer.from(sealed.slice(3), "base64")
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    assert.isUndefined(unseal(key, "sec_1", `v1:${raw.toString("base64")}`))
  })

  it.effect("the key file is created with mode 0600 and reused", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-key-"))
      const file = path.join(dir, "secret.key")
      const first = yield* Effect.provide(SecretKey, SecretKey.fromFile(file))
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600)
      const second = yield* Effect.provide(SecretKey, SecretKey.fromFile(file))
      assert.isTrue(first.key.equals(second.key))
      fs.rmSync(dir, { recursive: true })
    })
  )
})
