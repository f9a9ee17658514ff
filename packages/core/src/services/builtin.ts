import type { Integration } from "../domain/integration"

/** The integration that holds Executor's own tools; it is part of every catalog and cannot be removed. */
export const BUILTIN_SLUG = "executor"
export const BUILTIN_OWNER = "org"
export const BUILTIN_CONNECTION = "core"

export const builtinIntegration: Integration = {
  slug: BUILTIN_SLUG,
  name: "Executor",
  description: "Manage Executor itself: integrations, connections, credential providers and policies.",
  kind: "built-in",
  canRemove: false,
  canRefresh: false,
  authMethods: [{ kind: "none", template: "none" }],
  displayUrl: null,
  createdAt: 0,
  updatedAt: 0
}
