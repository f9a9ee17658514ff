import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Versioned schema, applied at boot by the dialect's migrator. SQL stays portable
 * between SQLite and PostgreSQL: TEXT, INTEGER for flags, BIGINT for epoch milliseconds,
 * JSON documents stored as TEXT.
 */
export const migrations = {
  "0001_catalog": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE integrations (
      slug TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      display_url TEXT,
      can_remove INTEGER NOT NULL,
      can_refresh INTEGER NOT NULL,
      auth_methods TEXT NOT NULL,
      config TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`
    yield* sql`CREATE TABLE secrets (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      sealed TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`
    yield* sql`CREATE TABLE connections (
      owner TEXT NOT NULL,
      integration TEXT NOT NULL REFERENCES integrations(slug) ON DELETE CASCADE,
      name TEXT NOT NULL,
      template TEXT NOT NULL,
      provider TEXT NOT NULL,
      item_id TEXT NOT NULL,
      oauth_client TEXT,
      expires_at BIGINT,
      identity_label TEXT,
      description TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (owner, integration, name)
    )`
    yield* sql`CREATE TABLE tools (
      address TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      integration TEXT NOT NULL,
      connection TEXT NOT NULL,
      name TEXT NOT NULL,
      plugin_id TEXT NOT NULL,
      description TEXT NOT NULL,
      input_schema TEXT NOT NULL,
      output_schema TEXT,
      requires_approval INTEGER NOT NULL,
      approval_description TEXT,
      may_elicit INTEGER NOT NULL,
      FOREIGN KEY (owner, integration, connection) REFERENCES connections(owner, integration, name) ON DELETE CASCADE
    )`
    yield* sql`CREATE INDEX tools_by_connection ON tools (integration, owner, connection)`
    yield* sql`CREATE TABLE policies (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      pattern TEXT NOT NULL,
      action TEXT NOT NULL,
      position TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`
    yield* sql`CREATE INDEX policies_by_owner ON policies (owner, position)`
  }),
  "0002_executions": Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE executions (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      code TEXT NOT NULL,
      labels TEXT NOT NULL,
      timeout_ms BIGINT NOT NULL,
      auto_approve INTEGER NOT NULL,
      result TEXT,
      error TEXT,
      logs TEXT NOT NULL,
      tool_calls TEXT NOT NULL,
      tool_call_count INTEGER NOT NULL,
      total_ms BIGINT NOT NULL,
      tool_call_ms BIGINT NOT NULL,
      pending TEXT,
      journal TEXT,
      last_decision TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      completed_at BIGINT
    )`
    yield* sql`CREATE INDEX executions_by_created ON executions (created_at, id)`
    yield* sql`CREATE INDEX executions_by_status ON executions (status, created_at)`
    yield* sql`CREATE TABLE execution_labels (
      execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (execution_id, key)
    )`
    yield* sql`CREATE INDEX execution_labels_by_value ON execution_labels (key, value)`
    yield* sql`CREATE TABLE execution_events (
      execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
      sequence INTEGER NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      timestamp BIGINT NOT NULL,
      payload TEXT NOT NULL,
      PRIMARY KEY (execution_id, sequence)
    )`
  })
}
