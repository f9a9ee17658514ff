import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Owner } from "./ids"

/** The only thing a 500 carries: an id the operator can find in the server log. */
export class InternalError extends Schema.TaggedError<InternalError>()(
  "InternalError",
  { traceId: Schema.String },
  HttpApiSchema.annotations({ status: 500 })
) {}

export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()(
  "InvalidRequestError",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class PayloadTooLargeError extends Schema.TaggedError<PayloadTooLargeError>()(
  "PayloadTooLargeError",
  { message: Schema.String, limitBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

export class RouteNotFoundError extends Schema.TaggedError<RouteNotFoundError>()(
  "RouteNotFoundError",
  { message: Schema.String, method: Schema.String, path: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class ToolNotFoundError extends Schema.TaggedError<ToolNotFoundError>()(
  "ToolNotFoundError",
  { message: Schema.String, address: Schema.String, suggestions: Schema.optional(Schema.Array(Schema.String)) },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class IntegrationNotFoundError extends Schema.TaggedError<IntegrationNotFoundError>()(
  "IntegrationNotFoundError",
  { message: Schema.String, slug: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(slug: string) {
    return new IntegrationNotFoundError({ slug, message: `No integration "${slug}"` })
  }
}

export class IntegrationAlreadyExistsError extends Schema.TaggedError<IntegrationAlreadyExistsError>()(
  "IntegrationAlreadyExistsError",
  { message: Schema.String, slug: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(slug: string) {
    return new IntegrationAlreadyExistsError({ slug, message: `An integration "${slug}" already exists` })
  }
}

export class IntegrationRemovalNotAllowedError extends Schema.TaggedError<IntegrationRemovalNotAllowedError>()(
  "IntegrationRemovalNotAllowedError",
  { message: Schema.String, slug: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class ConnectionNotFoundError extends Schema.TaggedError<ConnectionNotFoundError>()(
  "ConnectionNotFoundError",
  { message: Schema.String, owner: Owner, integration: Schema.String, name: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(owner: Owner, integration: string, name: string) {
    return new ConnectionNotFoundError({
      owner,
      integration,
      name,
      message: `No connection "${name}" owned by ${owner} on integration "${integration}"`
    })
  }
}

export class ConnectionAlreadyExistsError extends Schema.TaggedError<ConnectionAlreadyExistsError>()(
  "ConnectionAlreadyExistsError",
  { message: Schema.String, owner: Owner, integration: Schema.String, name: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class InvalidConnectionInputError extends Schema.TaggedError<InvalidConnectionInputError>()(
  "InvalidConnectionInputError",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class CredentialProviderNotRegisteredError extends Schema.TaggedError<CredentialProviderNotRegisteredError>()(
  "CredentialProviderNotRegisteredError",
  { message: Schema.String, provider: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(provider: string) {
    return new CredentialProviderNotRegisteredError({
      provider,
      message: `No credential provider "${provider}" is registered`
    })
  }
}

export class ProviderItemNotFoundError extends Schema.TaggedError<ProviderItemNotFoundError>()(
  "ProviderItemNotFoundError",
  { message: Schema.String, provider: Schema.String, id: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class PolicyNotFoundError extends Schema.TaggedError<PolicyNotFoundError>()(
  "PolicyNotFoundError",
  { message: Schema.String, policyId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(policyId: string) {
    return new PolicyNotFoundError({ policyId, message: `No policy "${policyId}"` })
  }
}

export class InvalidPolicyPatternError extends Schema.TaggedError<InvalidPolicyPatternError>()(
  "InvalidPolicyPatternError",
  { message: Schema.String, pattern: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** A plugin could not list the tools of a connection (the upstream refused, or is unreachable). */
export class ToolDiscoveryError extends Schema.TaggedError<ToolDiscoveryError>()(
  "ToolDiscoveryError",
  { message: Schema.String, integration: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

/** The shape `/api/ready` answers with while the database cannot be reached. */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  { error: Schema.String, code: Schema.Literal("SERVICE_UNAVAILABLE") },
  HttpApiSchema.annotations({ status: 503 })
) {}

export class ExecutionNotFoundError extends Schema.TaggedError<ExecutionNotFoundError>()(
  "ExecutionNotFoundError",
  { message: Schema.String, executionId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(executionId: string) {
    return new ExecutionNotFoundError({ executionId, message: `No execution "${executionId}"` })
  }
}

/** A decision for an execution that is not waiting on one (repeating the same decision is not an error). */
export class ExecutionNotPaused extends Schema.TaggedError<ExecutionNotPaused>()(
  "ExecutionNotPaused",
  { message: Schema.String, executionId: Schema.String, status: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class ExecutionFinishedError extends Schema.TaggedError<ExecutionFinishedError>()(
  "ExecutionFinishedError",
  { message: Schema.String, executionId: Schema.String, status: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** Every execution slot is taken and the waiting line is full. */
export class ExecutionQueueFullError extends Schema.TaggedError<ExecutionQueueFullError>()(
  "ExecutionQueueFullError",
  { message: Schema.String, running: Schema.Number, queued: Schema.Number },
  HttpApiSchema.annotations({ status: 429 })
) {}
