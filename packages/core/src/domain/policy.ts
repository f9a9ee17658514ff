import { Schema } from "effect"
import { Owner, PolicyId, Timestamp } from "./ids"

export const PolicyAction = Schema.Literal("approve", "require_approval", "block")
export type PolicyAction = typeof PolicyAction.Type

export const Policy = Schema.Struct({
  id: PolicyId,
  owner: Owner,
  pattern: Schema.String,
  action: PolicyAction,
  position: Schema.String,
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type Policy = typeof Policy.Type

/** How strict each action is: across owners the strictest matching action wins. */
const strictness: Record<PolicyAction, number> = { approve: 0, require_approval: 1, block: 2 }

export const stricter = (a: PolicyAction, b: PolicyAction): PolicyAction =>
  strictness[a] >= strictness[b] ? a : b
