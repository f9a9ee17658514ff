import type { Execution, ExecutionErrorInfo, ExecutionResponse, Interaction, LogRecord } from "../domain/execution"

const resumeHint = (id: string) =>
  `Resume with POST /api/executions/${id}/resume and {"action": "accept"} or {"action": "decline"} (MCP: resume({executionId: "${id}", action}))`

export const pausedResponse = (id: string, interaction: Interaction): ExecutionResponse => ({
  status: "paused",
  executionId: id,
  text: [`Execution paused: ${interaction.message}`, `executionId: ${id}`, resumeHint(id)].join("\n"),
  structured: { executionId: id, status: "paused", interaction }
})

const render = (result: unknown) => (typeof result === "string" ? result : result === undefined ? "undefined" : JSON.stringify(result, null, 2))

export const finishedResponse = (
  id: string,
  status: "completed" | "failed" | "cancelled",
  result: unknown,
  error: ExecutionErrorInfo | null,
  logs: ReadonlyArray<LogRecord>
): ExecutionResponse => {
  const isError = status !== "completed"
  const text = isError
    ? `${status === "cancelled" ? "Execution cancelled" : "Execution failed"}: ${error?.name ?? "Error"}: ${error?.message ?? "unknown error"}${error?.stack ? `\n${error.stack}` : ""}`
    : render(result)
  return {
    status: "completed",
    executionId: id,
    text,
    structured: { executionId: id, status, result: result ?? null, error, logs },
    isError
  }
}

/** The answer a stored record gives to an execute or resume call. */
export const responseOf = (execution: Execution): ExecutionResponse | undefined => {
  if (execution.status === "paused" && execution.pendingInteraction) return pausedResponse(execution.id, execution.pendingInteraction)
  if (execution.status === "completed" || execution.status === "failed" || execution.status === "cancelled") {
    return finishedResponse(execution.id, execution.status, execution.result, execution.error, execution.logs)
  }
  return undefined
}
