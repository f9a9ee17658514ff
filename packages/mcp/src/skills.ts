/**
 * The guides `skills({name})` returns: plain text an agent reads before writing
 * code for the `execute` tool.
 */
export const SKILLS: Readonly<Record<string, { readonly summary: string; readonly text: string }>> = {
  execute: {
    summary: "How to find, inspect and call tools from code, what results look like, and what to do on a pause",
    text: `# Executor: the execute tool

execute({code}) runs a short TypeScript (or JavaScript) program in a sandbox and returns what it
returns. Write the body of an async function: \`await\` works at the top level and the value of the
last \`return\` is the result. Keep programs small; do several steps in one program when you can.

## Finding tools
Every tool lives at tools.<integration>.<owner>.<connection>.<tool>, for example
tools.github.org.main.repos.listForOrg.

  const found = await tools.search({ query: "list repositories for an organization", limit: 5 })
  // → { items: [{ path, name, integration, description, requiresApproval, score }], total }

Search takes plain language. Narrow it with namespace: "github" (an integration) or any address
prefix. Then read a tool's exact signature before calling it:

  const d = await tools.describe.tool({ path: "github.org.main.repos.listForOrg" })
  // → { signature: "(input: {...}) => Promise<ToolResult<...>>", description, definitions }

## Calling tools
Pass one object with the tool's named inputs (for HTTP APIs: path, query and header parameters
by name, plus \`body\`):

  const r = await tools.github.org.main.repos.listForOrg({ org: "effect-ts", per_page: 5 })

Every call resolves to a ToolResult; it never throws for an API failure:
  { ok: true, data, http?: { status, headers } }
  { ok: false, error: { code, message, status?, retryable? } }
Check r.ok before using r.data. Error codes include tool_not_found (with suggestions),
invalid_arguments, connection_rejected (401/403: the credential is wrong), upstream_http_error,
upstream_timeout, tool_blocked (a policy forbids it). Files (uploads and downloads) are values
{ type: "file", name, mimeType, size, base64 }.

## Approvals and pauses
Some calls need a person's approval (writes such as POST/PUT/PATCH/DELETE, or a policy). Then the
execution pauses and execute answers with status "paused", an executionId and the call waiting
for approval. Tell the user what is waiting, and once they decide call
resume({executionId, action: "accept" | "decline" | "cancel"}). Resuming re-runs your program
and answers the calls it made before the pause from a journal, so nothing runs twice. After
"decline" the call throws ToolCallDeclined inside your program; catch it if you want to go on.
A paused execution survives restarts and can be resumed from any session.

## What the sandbox does not have
No fetch or network access other than tools, no timers (setTimeout, setInterval), no process,
require, import or file system. Date.now() and Math.random() work. console.log output is
returned with the result. Limits: 5 minutes, 64 MiB of memory, 10,000 tool calls, 4 MiB result.
`
  },
  resume: {
    summary: "Continuing a paused execution",
    text: `# Executor: the resume tool

resume({executionId, action, content?}) decides the call a paused execution waits on:
- "accept" approves it: the call runs and the program continues;
- "decline" refuses it: the call throws ToolCallDeclined inside the program;
- "cancel" stops the whole execution.
The answer has the same shape as execute's: the finished result, or another pause. Resuming works
from any MCP session or connection and after the daemon restarts. Deciding twice with the same
action returns the same outcome; a different action on an execution that is no longer paused is
an error that says its status.
`
  }
}

export const skillList = () =>
  [
    "Guides for using Executor; read one with skills({name}):",
    ...Object.entries(SKILLS).map(([name, skill]) => `- ${name}: ${skill.summary}`)
  ].join("\n")
