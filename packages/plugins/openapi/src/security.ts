import type { AuthMethodDescriptor } from "@executor/core"
import { deref } from "./schemas"
import { isRecord, type Json, text, truncate } from "./util"

/**
 * Security schemes of a description as auth methods a connection picks (by
 * template), and how each template's credential reaches a request.
 */

/** Parameters are identified by location and name; header names are case-insensitive. */
export const paramKey = (location: string, name: string) => `${location}:${location === "header" ? name.toLowerCase() : name}`

/** How a connection's credential inputs reach the request, per auth template. */
export type SchemeUse =
  | { readonly kind: "apiKey"; readonly in: "header" | "query" | "cookie"; readonly name: string }
  | { readonly kind: "bearer" }
  | { readonly kind: "basic" }
  | { readonly kind: "raw" }
  | { readonly kind: "none" }

const templateName = (scheme: string, used: Set<string>) => {
  let base = scheme.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[^A-Za-z]+/, "").slice(0, 60)
  if (base.length === 0) base = "auth"
  let name = base
  for (let i = 2; used.has(name); i++) name = `${base}${i}`
  used.add(name)
  return name
}

const BEARER = { in: "header" as const, name: "Authorization", format: "Bearer {token}" }

export const compileSecurity = (doc: Json) => {
  const components = isRecord(doc.components) ? doc.components : {}
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {}
  const methods: Array<AuthMethodDescriptor> = []
  const uses: Record<string, SchemeUse> = {}
  const used = new Set<string>(["none"])
  for (const [schemeName, raw] of Object.entries(schemes)) {
    const scheme = deref(doc, raw)
    if (!scheme) continue
    const template = templateName(schemeName, used)
    const description = text(scheme.description)
    const label = (fallback: string) => truncate(description || fallback, 200)
    if (scheme.type === "apiKey" && typeof scheme.name === "string" && ["header", "query", "cookie"].includes(String(scheme.in))) {
      const location = scheme.in as "header" | "query" | "cookie"
      methods.push({ kind: "apikey", template, label: label(`API key in ${location} "${scheme.name}"`), inputs: ["token"], placements: [{ in: location, name: scheme.name }] })
      uses[template] = { kind: "apiKey", in: location, name: scheme.name }
    } else if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "bearer") {
      methods.push({ kind: "apikey", template, label: label("Bearer token"), inputs: ["token"], placements: [BEARER] })
      uses[template] = { kind: "bearer" }
    } else if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic") {
      methods.push({
        kind: "apikey",
        template,
        label: label("HTTP basic: a username and a password"),
        inputs: ["username", "password"],
        placements: [{ in: "header", name: "Authorization", format: "Basic base64({username}:{password})" }]
      })
      uses[template] = { kind: "basic" }
    } else if (scheme.type === "http") {
      methods.push({ kind: "header", template, label: label(`HTTP ${String(scheme.scheme)}: the whole Authorization value`), inputs: ["token"], placements: [{ in: "header", name: "Authorization", format: "{token}" }] })
      uses[template] = { kind: "raw" }
    } else if (scheme.type === "oauth2" || scheme.type === "openIdConnect") {
      methods.push({
        kind: "oauth",
        template,
        label: label(scheme.type === "oauth2" ? "OAuth 2 (give an access token until the OAuth flow is supported)" : "OpenID Connect (give an access token)"),
        inputs: ["token"],
        placements: [BEARER],
        oauth: {
          type: scheme.type,
          ...(isRecord(scheme.flows) ? { flows: scheme.flows } : {}),
          ...(typeof scheme.openIdConnectUrl === "string" ? { openIdConnectUrl: scheme.openIdConnectUrl } : {})
        }
      })
      uses[template] = { kind: "bearer" }
    }
  }
  if (methods.length === 0) {
    methods.push({ kind: "apikey", template: "bearer", label: "Bearer token (the description declares no security scheme)", inputs: ["token"], placements: [BEARER] })
    uses.bearer = { kind: "bearer" }
  }
  methods.push({ kind: "none", template: "none", label: "No authentication", inputs: [] })
  uses.none = { kind: "none" }
  return { methods, uses }
}

/** Where apiKey schemes put their key: parameters there are the connection's to fill. */
export const apiKeyParams = (doc: Json) => {
  const components = isRecord(doc.components) ? doc.components : {}
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {}
  const keys = new Set<string>()
  for (const raw of Object.values(schemes)) {
    const scheme = deref(doc, raw)
    if (scheme?.type === "apiKey" && typeof scheme.name === "string" && typeof scheme.in === "string") keys.add(paramKey(scheme.in, scheme.name))
  }
  return keys
}
