import * as crypto from "node:crypto"
import * as fs from "node:fs"
import { Context, Effect, Layer } from "effect"

/** The 32-byte key the default credential provider seals values with. */
export class SecretKey extends Context.Tag("executor/core/SecretKey")<SecretKey, { readonly key: Buffer }>() {
  /**
   * Reads the key file, creating it (mode 0600, exclusive create) on first start.
   * A key file that exists with the wrong length is refused rather than replaced:
   * replacing it would make every stored credential unreadable.
   */
  static fromFile(path: string) {
    return Layer.effect(
      SecretKey,
      Effect.try({
        try: () => {
          if (!fs.existsSync(path)) {
            const fd = fs.openSync(path, "wx", 0o600)
            fs.writeSync(fd, crypto.randomBytes(32).toString("base64"))
            fs.closeSync(fd)
          }
          fs.chmodSync(path, 0o600)
          const key = Buffer.from(fs.readFileSync(path, "utf8").trim(), "base64")
          if (key.length !== 32) throw new Error(`the key file ${path} does not hold a 32-byte base64 key`)
          return { key }
        },
        catch: (cause) => new Error(`cannot read or create the secret key file ${path}: ${String(cause)}`)
      }).pipe(Effect.orDie)
    )
  }

  static fromBytes(key: Buffer) {
    return Layer.succeed(SecretKey, { key })
  }
}
