import type {} from "vitest"
import type { TestProject } from "vitest/node"
import { ensurePostgres } from "./postgres"

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string
  }
}

/** Runs once per `vitest run`: makes sure a PostgreSQL server is there for the storage suites. */
export default async function setup(project: TestProject) {
  const postgres = await ensurePostgres()
  project.provide("pgUrl", postgres.url)
  return () => postgres.stop()
}
