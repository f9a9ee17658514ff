import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { isRecord, VERSION } from "@executor/core"
import { z } from "zod"
import type { ConnectedIntegration, ExecutorBackend, Outcome, ResumeAction } from "./backend"
import { SKILLS, skillList } from "./skills"

export interface McpServerOptions {
  /** Ask approvals inline with MCP elicitation when the client supports it. */
  readonly nativeElicitation?: boolean
}

/** At most this many integrations are named in `execute`'s description. */
const MAX_LISTED = 20
const MAX_NAME = 60

/** How long an inline approval question waits for the person. */
const ELICITATION_TIMEOUT_MS = 15 * 60_000

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** `execute`'s description: what it does, where the guide is, and what is connected (capped). */
export const executeDescription = (integrations: ReadonlyArray<ConnectedIntegration>) => {
  const listed = integrations.slice(0, MAX_LISTED).map((i) => {
    const connections = i.connections.slice(0, 3).join(", ") + (i.connections.length > 3 ? ", …" : "")
    return `${i.slug} (${clip(i.name, MAX_NAME)}; ${connections})`
  })
  const more = integrations.length > MAX_LISTED ? `, and ${integrations.length - MAX_LISTED} more (find them with tools.search)` : ""
  return [
    "Run a short TypeScript program that calls APIs as tools.<integration>.<owner>.<connection>.<tool>(args) and return its result.",
    'Read skills({name: "execute"}) first: how to search and describe tools, what results look like, and what to do when an execution pauses for approval.',
    listed.length > 0 ? `Connected: ${listed.join("; ")}${more}.` : "No integrations are connected yet; built-in tools manage Executor itself (tools.executor.org.core.*)."
  ].join("\n")
}

const text = (value: string, isError = false): CallToolResult => ({ content: [{ type: "text", text: value }], ...(isError ? { isError } : {}) })


/** An execute/resume outcome as a tool result: text for the model, the same data as structured content. */
export const toToolResult = (outcome: Outcome): CallToolResult => {
  if (!outcome.ok) return text(outcome.message, true)
  const { response } = outcome
  const structured = isRecord(response.structured) ? response.structured : { executionId: response.executionId, result: response.structured }
  return {
    content: [{ type: "text", text: response.text }],
    structuredContent: structured,
    ...(response.status === "completed" && response.isError ? { isError: true } : {})
  }
}

const approval = (response: Outcome) => {
  if (!response.ok || response.response.status !== "paused") return undefined
  const structured = response.response.structured
  const interaction = isRecord(structured) && isRecord(structured.interaction) ? structured.interaction : {}
  return { executionId: response.response.executionId, message: typeof interaction.message === "string" ? interaction.message : "A tool call needs approval" }
}

/**
 * An MCP server with Executor's three tools: `execute`, `skills`, `resume`. One per
 * MCP session; the state it acts on (executions) lives in Executor, so any session
 * can resume what another paused.
 */
export const makeMcpServer = async (backend: ExecutorBackend, options: McpServerOptions = {}) => {
  const server = new McpServer({ name: "executor", version: VERSION }, { capabilities: { tools: {} } })

  /** Asks the person through the client, pause after pause, until the run ends or the client cannot ask. */
  const askInline = async (first: Outcome, relatedRequestId: string | number): Promise<Outcome> => {
    let outcome = first
    for (let pending = approval(outcome); pending; pending = approval(outcome)) {
      if (!server.server.getClientCapabilities()?.elicitation) return outcome
      let action: ResumeAction
      try {
        // Sent on the tool call's own stream (clients need not open another), with time for a person to decide.
        const answer = await server.server.elicitInput(
          {
            mode: "form",
            message: `${pending.message}\n(execution ${pending.executionId})`,
            requestedSchema: {
              type: "object",
              properties: { approve: { type: "boolean", title: "Approve this call", default: true } }
            }
          },
          { relatedRequestId, timeout: ELICITATION_TIMEOUT_MS }
        )
        // Dismissing the question leaves the execution paused, for resume later.
        if (answer.action === "cancel") return outcome
        action = answer.action === "accept" && answer.content?.approve !== false ? "accept" : "decline"
      } catch {
        // The client could not ask: the paused result tells the agent how to resume.
        return outcome
      }
      outcome = await backend.resume(pending.executionId, action)
    }
    return outcome
  }

  server.registerTool(
    "execute",
    {
      description: executeDescription(await backend.integrations().catch(() => [])),
      inputSchema: { code: z.string().min(1, "code must not be empty: send the program to run").describe("The TypeScript program to run") }
    },
    async ({ code }, extra) => {
      if (code.trim().length === 0) return text("code must not be empty: send the program to run", true)
      const outcome = await backend.execute(code)
      return toToolResult(options.nativeElicitation ? await askInline(outcome, extra.requestId) : outcome)
    }
  )

  server.registerTool(
    "skills",
    {
      description: 'Guides for using Executor as plain text. skills({name: "execute"}) explains how to write code for execute; with no name, the list.',
      inputSchema: { name: z.string().optional().describe("The guide to read, e.g. execute") }
    },
    async ({ name }) => {
      if (name === undefined || name === "") return text(skillList())
      const skill = SKILLS[name]
      return skill ? text(skill.text) : text(`No guide "${name}". ${skillList()}`, true)
    }
  )

  server.registerTool(
    "resume",
    {
      description: "Continue an execution that paused for approval: accept runs the waiting call, decline refuses it, cancel stops the execution. Works from any session.",
      inputSchema: {
        executionId: z.string().min(1).describe("The executionId of the paused execution"),
        action: z.enum(["accept", "decline", "cancel"]).describe("accept, decline or cancel"),
        content: z.unknown().optional().describe("Optional data for the decision")
      }
    },
    async ({ executionId, action, content }, extra) => {
      const outcome = await backend.resume(executionId, action, content)
      return toToolResult(options.nativeElicitation ? await askInline(outcome, extra.requestId) : outcome)
    }
  )

  return server
}
