import * as crypto from "node:crypto"

const VERSION = "v1"

/**
 * AES-256-GCM with a fresh 96-bit IV per value. The record id is bound as additional
 * data, so a sealed blob copied onto another row does not open.
 */
export const seal = (key: Buffer, recordId: string, plaintext: string): string => {
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(Buffer.from(recordId, "utf8"))
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`
}

/** `undefined` when the blob is malformed, was sealed with another key, or was tampered with. */
export const unseal = (key: Buffer, recordId: string, sealed: string): string | undefined => {
  const [version, payload] = sealed.split(":")
  if (version !== VERSION || !payload) return undefined
  const raw = Buffer.from(payload, "base64")
  if (raw.length < 28) return undefined
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12))
  decipher.setAAD(Buffer.from(recordId, "utf8"))
  decipher.setAuthTag(raw.subarray(12, 28))
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8")
  } catch {
    // A failed authentication tag is an expected outcome here, reported as `undefined`.
    return undefined
  }
}

/** Seals a value a plugin keeps in an integration's config (bound to the integration). */
export const sealIntegrationValue = (key: Buffer, slug: string, plaintext: string) => seal(key, `integration:${slug}`, plaintext)

export const unsealIntegrationValue = (key: Buffer, slug: string, sealed: string) => unseal(key, `integration:${slug}`, sealed)
