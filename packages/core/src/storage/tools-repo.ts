import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { Owner } from "../domain/ids"
import { type CatalogTool, JsonSchema } from "../domain/tool"
import type { ConnectionKey } from "./connections-repo"
import { decodeRows, FlagColumn, flag, JsonColumn, orDieStorage } from "./rows"

const Row = Schema.Struct({
  address: Schema.String,
  owner: Owner,
  integration: Schema.String,
  connection: Schema.String,
  name: Schema.String,
  plugin_id: Schema.String,
  description: Schema.String,
  input_schema: JsonColumn(JsonSchema),
  output_schema: Schema.NullOr(JsonColumn(JsonSchema)),
  requires_approval: FlagColumn,
  approval_description: Schema.NullOr(Schema.String),
  may_elicit: FlagColumn
})

const toTool = (row: typeof Row.Type): CatalogTool => ({
  address: row.address,
  owner: row.owner,
  integration: row.integration,
  connection: row.connection,
  name: row.name,
  pluginId: row.plugin_id,
  description: row.description,
  inputSchema: row.input_schema,
  ...(row.output_schema ? { outputSchema: row.output_schema } : {}),
  requiresApproval: row.requires_approval,
  ...(row.approval_description !== null ? { approvalDescription: row.approval_description } : {}),
  mayElicit: row.may_elicit
})

const decode = decodeRows(Row)

export interface ToolFilter {
  readonly owner?: Owner | undefined
  readonly integration?: string | undefined
  readonly connection?: string | undefined
}

/** Batches keep each INSERT well under SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500

export class ToolsRepo extends Effect.Service<ToolsRepo>()("executor/core/ToolsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const list = Effect.fn("ToolsRepo.list")(function* (filter: ToolFilter) {
      const conditions = [
        ...(filter.owner ? [sql`owner = ${filter.owner}`] : []),
        ...(filter.integration ? [sql`integration = ${filter.integration}`] : []),
        ...(filter.connection ? [sql`connection = ${filter.connection}`] : [])
      ]
      const rows = yield* orDieStorage(
        sql`SELECT * FROM tools WHERE ${sql.and(conditions)} ORDER BY address`.pipe(Effect.flatMap(decode))
      )
      return rows.map(toTool)
    })

    const get = Effect.fn("ToolsRepo.get")(function* (address: string) {
      const rows = yield* orDieStorage(sql`SELECT * FROM tools WHERE address = ${address}`.pipe(Effect.flatMap(decode)))
      return rows[0] ? toTool(rows[0]) : undefined
    })

    /** Replaces every tool of one connection; the caller runs it inside a transaction. */
    const replaceForConnection = Effect.fn("ToolsRepo.replaceForConnection")(function* (
      key: ConnectionKey,
      tools: ReadonlyArray<CatalogTool>
    ) {
      yield* orDieStorage(
        sql`DELETE FROM tools WHERE owner = ${key.owner} AND integration = ${key.integration} AND connection = ${key.name}`
      )
      for (let i = 0; i < tools.length; i += BATCH) {
        const rows = tools.slice(i, i + BATCH).map((t) => ({
          address: t.address,
          owner: t.owner,
          integration: t.integration,
          connection: t.connection,
          name: t.name,
          plugin_id: t.pluginId,
          description: t.description,
          input_schema: JSON.stringify(t.inputSchema),
          output_schema: t.outputSchema ? JSON.stringify(t.outputSchema) : null,
          requires_approval: flag(t.requiresApproval),
          approval_description: t.approvalDescription ?? null,
          may_elicit: flag(t.mayElicit)
        }))
        yield* orDieStorage(sql`INSERT INTO tools ${sql.insert(rows)}`)
      }
    })

    return { list, get, replaceForConnection } as const
  })
}) {}
