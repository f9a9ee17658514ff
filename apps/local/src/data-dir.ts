import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export const defaultDataDir = () => process.env.EXECUTOR_DATA_DIR ?? path.join(os.homedir(), ".executor")

export const dataPaths = (dataDir: string) => ({
  dataDir,
  database: path.join(dataDir, "executor.db"),
  token: path.join(dataDir, "token"),
  secretKey: path.join(dataDir, "secret.key"),
  lock: path.join(dataDir, "daemon.lock")
})

export type DataPaths = ReturnType<typeof dataPaths>

export const ensureDataDir = (dir: string) => fs.mkdirSync(dir, { recursive: true, mode: 0o700 })

/** The daemon's bearer token: created once (256 random bits, mode 0600), then reused. */
export const ensureToken = (file: string): string => {
  if (!fs.existsSync(file)) {
    const fd = fs.openSync(file, "wx", 0o600)
    fs.writeSync(fd, `${crypto.randomBytes(32).toString("base64url")}\n`)
    fs.closeSync(fd)
  }
  fs.chmodSync(file, 0o600)
  return readToken(file)
}

export const readToken = (file: string): string => fs.readFileSync(file, "utf8").trim()
