import { type HttpApi, HttpApiClient, type HttpApiGroup, HttpClient, HttpClientRequest } from "@effect/platform"
import type { Effect } from "effect"
import { CoreApi } from "./api"

export interface ClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:4788`; routes carry their own `/api` prefix. */
  readonly baseUrl?: string | undefined
  readonly token?: string | undefined
}

const withToken = (token: string | undefined) => (client: HttpClient.HttpClient) =>
  token === undefined ? client : HttpClient.mapRequest(client, HttpClientRequest.bearerToken(token))

/** A typed client for an API: the core one, or the core one extended with plugin groups. */
export const makeApiClient = <ApiId extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, ApiE, ApiR>(
  api: HttpApi.HttpApi<ApiId, Groups, ApiE, ApiR>,
  options: ClientOptions = {}
) =>
  HttpApiClient.make(api, {
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    transformClient: withToken(options.token)
  })

export const makeClient = (options: ClientOptions = {}) => makeApiClient(CoreApi, options)

export type CoreClient = Effect.Effect.Success<ReturnType<typeof makeClient>>
