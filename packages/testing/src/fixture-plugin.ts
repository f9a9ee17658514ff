import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import {
  Authorization,
  type ExecutorPlugin,
  Integration,
  IntegrationAlreadyExistsError,
  IntegrationSlug,
  Integrations,
  ToolDiscoveryError,
  toolError,
  type ToolDefinition
} from "@executor/core"
import { Effect, Option, Schema } from "effect"

/**
 * A small plugin used by the tests to exercise the real plugin interface: its own
 * HttpApi group that registers integrations, a tool source that lists tools per
 * connection from the integration's config and "invokes" them by echoing, URL
 * detection, auth method descriptors, and default approval annotations.
 */
const FixtureTool = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)),
  description: Schema.String,
  /** Writes require approval unless a policy approves them. */
  write: Schema.optional(Schema.Boolean)
})

/** `upstream`: a test HTTP server each call is forwarded to, so tests can count real calls. */
const FixtureConfig = Schema.Struct({ tools: Schema.Array(FixtureTool), upstream: Schema.optional(Schema.String) })

export const RegisterFixturePayload = Schema.Struct({
  slug: IntegrationSlug,
  name: Schema.String,
  description: Schema.optional(Schema.String),
  tools: Schema.Array(FixtureTool).pipe(Schema.maxItems(20_000)),
  upstream: Schema.optional(Schema.String)
})

export class FixtureApi extends HttpApiGroup.make("fixture")
  .add(
    HttpApiEndpoint.post("register", "/integrations")
      .setPayload(RegisterFixturePayload)
      .addSuccess(Integration, { status: 201 })
      .addError(IntegrationAlreadyExistsError)
  )
  .middleware(Authorization)
  .prefix("/api/fixture") {}

const FixtureOnly = HttpApi.make("executor").add(FixtureApi)

const handlers = HttpApiBuilder.group(FixtureOnly, "fixture", (h) =>
  Effect.gen(function* () {
    const integrations = yield* Integrations
    return h.handle("register", ({ payload }) =>
      integrations.register({
        slug: payload.slug,
        kind: "fixture",
        name: payload.name,
        description: payload.description ?? "",
        displayUrl: null,
        authMethods: [
          {
            kind: "apikey",
            template: "token",
            inputs: ["token"],
            placements: [{ in: "header", name: "Authorization", format: "Bearer {token}" }]
          }
        ],
        config: { tools: payload.tools, ...(payload.upstream ? { upstream: payload.upstream } : {}) }
      })
    )
  })
)

const decodeConfig = Schema.decodeUnknownOption(FixtureConfig)

/** The credential value that makes this fake upstream refuse, for failure-path tests. */
export const REJECTED_TOKEN = "rejected-by-fixture"

export const fixturePlugin: ExecutorPlugin<typeof FixtureApi, Integrations | Authorization> = {
  id: "fixture",
  name: "Fixture",
  http: { group: FixtureApi, handlers },
  detect: (url) =>
    Effect.succeed(
      url.endsWith("/fixture.json")
        ? Option.some({ kind: "fixture", confidence: "high" as const, endpoint: url, name: "Fixture", slug: "fixture" })
        : Option.none()
    ),
  listTools: ({ integration, connection }) => {
    if (connection.credentials.token === REJECTED_TOKEN) {
      return Effect.fail(new ToolDiscoveryError({ integration: integration.slug, message: "The upstream refused the credential" }))
    }
    const config = Option.getOrElse(decodeConfig(integration.config), () => ({ tools: [] }))
    return Effect.succeed(
      config.tools.map(
        (tool): ToolDefinition => ({
          name: tool.name,
          description: tool.description,
          inputSchema: {
            type: "object",
            properties: { message: { type: "string", description: "Echoed back" } },
            additionalProperties: false
          },
          outputSchema: { type: "object", properties: { echo: { type: "string" }, tool: { type: "string" } } },
          requiresApproval: tool.write === true
        })
      )
    )
  },
  invokeTool: ({ integration, tool, args, signal }) => {
    const upstream = Option.getOrUndefined(decodeConfig(integration.config))?.upstream
    if (!upstream) return Effect.succeed({ ok: true as const, data: { tool, echo: args } })
    return Effect.promise(async () => {
      const response = await fetch(`${upstream}/calls`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tool, args }),
        ...(signal ? { signal } : {})
      }).catch((e: unknown) => e)
      if (!(response instanceof Response)) return toolError("upstream_unreachable", String(response))
      const data: unknown = await response.json()
      return { ok: true as const, data, http: { status: response.status, headers: {} } }
    })
  }
}
