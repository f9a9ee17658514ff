import { Schema } from "effect"

/** Whose credentials and rules these are: shared by the workspace (`org`) or personal (`user`). */
export const Owner = Schema.Literal("org", "user")
export type Owner = typeof Owner.Type

const segment = (name: string) =>
  Schema.String.pipe(
    Schema.pattern(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
      message: () => `${name} must start with a letter and contain only letters, digits, "_" or "-" (at most 64 characters)`
    })
  )

/** One dot-free segment of a tool address; it names an integration. */
export const IntegrationSlug = segment("integration slug")
export type IntegrationSlug = typeof IntegrationSlug.Type

export const ConnectionName = segment("connection name")
export type ConnectionName = typeof ConnectionName.Type

export const AuthTemplateSlug = segment("auth template")
export type AuthTemplateSlug = typeof AuthTemplateSlug.Type

export const ProviderKey = segment("provider key")
export type ProviderKey = typeof ProviderKey.Type

export const ProviderItemId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(512))

/** `tools.<integration>.<owner>.<connection>.<tool>`; the tool part may itself contain dots. */
export const ToolAddress = Schema.String.pipe(
  Schema.pattern(/^tools\.[^.\s]+\.(org|user)\.[^.\s]+\.[^\s]+$/, {
    message: () => "a tool address has the shape tools.<integration>.<owner>.<connection>.<tool>"
  })
)
export type ToolAddress = typeof ToolAddress.Type

export const PolicyId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))
export type PolicyId = typeof PolicyId.Type

/** Epoch milliseconds. */
export const Timestamp = Schema.Number
