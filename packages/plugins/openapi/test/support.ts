import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { CoreApi } from "@executor/api"
import { OpenApiGroup, openApiPlugin } from "../src/index"
import { sqliteConfig, TEST_TOKEN, tempDir, testServerLayer } from "@executor/testing"
import { Effect, Layer } from "effect"

export const Api = CoreApi.add(OpenApiGroup)

export const client = HttpApiClient.make(Api, {
  transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(TEST_TOKEN))
})

/** The real HTTP app with the OpenAPI plugin, on a random port over a fresh SQLite file. */
export const openApiServer = Layer.unwrapScoped(
  Effect.map(tempDir, (dir) => testServerLayer({ database: sqliteConfig(dir), plugins: [openApiPlugin] }))
)

/** A request outside the typed client, for bad input: status and decoded JSON body. */
export const raw = (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    let request = HttpClientRequest.bearerToken(HttpClientRequest.make(method)(path), TEST_TOKEN)
    if (body !== undefined) request = HttpClientRequest.bodyText(request, typeof body === "string" ? body : JSON.stringify(body), "application/json")
    const response = yield* http.execute(request)
    const json = (yield* response.json) as { _tag?: string; message?: string } & Record<string, unknown>
    return { status: response.status, json }
  })

/** Runs a program through POST /api/executions and returns its structured answer. */
export const run = (code: string, options: { autoApprove?: boolean } = {}) =>
  Effect.gen(function* () {
    const api = yield* client
    const response = yield* api.executions.execute({ payload: { code, ...(options.autoApprove ? { autoApprove: true } : {}) } })
    return response
  })

export const resultOf = (response: { structured: unknown }) => (response.structured as { result: unknown }).result
