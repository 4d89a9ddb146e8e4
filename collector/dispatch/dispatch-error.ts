import type { ProviderError } from '../providers/provider.ts';
import type { BudgetRejected } from '../budget/budget-gate.ts';

/**
 * A request the dispatcher could not serve, already in the terms the client may see:
 * OpenAI error fields, no provider keys, URLs or upstream bodies beyond a provider's
 * own message about the client's request.
 */
export class DispatchError extends Error {
  override readonly name = 'DispatchError';
  constructor(
    readonly httpStatus: number,
    readonly type: string,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    /** Sent as Retry-After (seconds, rounded up) when set. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /**
   * 404 for a model no route serves, listing the ones that exist (a key limited to some routes is
   * refused before this, by key-policy.ts, so it never sees the others named here).
   */
  static unknownModel(model: string, routeNames: readonly string[]): DispatchError {
    const known = routeNames.length > 0 ? `; the models here are ${routeNames.map((n) => `\`${n}\``).join(', ')}` : '';
    return new DispatchError(404, 'invalid_request_error', `The model \`${model}\` does not exist${known}`, 'model_not_found', 'model');
  }

  /** A non-retryable provider error. Its auth failure is about our deployment's key, not the caller's: a gateway fault. */
  static fromClientError(error: ProviderError): DispatchError {
    if (error.kind === 'auth') return new DispatchError(502, 'api_error', 'the provider rejected the deployment credentials', 'upstream_auth_error');
    if (error.kind === 'context_length') return new DispatchError(400, 'invalid_request_error', error.message, 'context_length_exceeded', 'messages');
    if (error.kind === 'content_filter') return new DispatchError(400, 'invalid_request_error', error.message, 'content_filter');
    // The provider's answer did not parse: not the client's fault, a bad gateway.
    if (error.kind === 'invalid_response') return new DispatchError(502, 'api_error', error.message, 'invalid_upstream_response');
    const status = error.httpStatus && error.httpStatus >= 400 && error.httpStatus < 500 ? error.httpStatus : 400;
    return new DispatchError(status, 'invalid_request_error', error.message, 'upstream_rejected');
  }
}

/** When a client told to come back after a 429 without a provider's Retry-After should: one second. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * Every attempt failed with a retryable error (or none could be made): 503 listing each reason.
 * When every attempt was rate limited the client gets the provider's answer instead — 429 with
 * Retry-After (`retryAfterMs`: the soonest a deployment of the route may be called again).
 */
export function allAttemptsFailed(
  failures: Array<{ deployment: string; error: ProviderError }>,
  stoppedBecause?: string,
  retryAfterMs: number | null = null,
): DispatchError {
  const reasons = failures.map(({ deployment, error }) => `${deployment}: ${error.kind}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}`);
  const attempts = failures.length ? `all ${failures.length} attempts failed: ${reasons.join('; ')}` : '';
  const message = [attempts, stoppedBecause].filter(Boolean).join('; ');
  if (failures.length > 0 && failures.every((f) => f.error.kind === 'rate_limited')) {
    return new DispatchError(429, 'rate_limit_error', message, 'rate_limited', null, retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
  }
  const code = failures.length === 0 ? 'circuit_open' : stoppedBecause === 'retry budget exhausted' ? 'retry_budget_exhausted' : 'all_attempts_failed';
  return new DispatchError(503, 'service_unavailable', message, code);
}

/** Every deployment of the route is inside a Retry-After its provider gave: 429 without calling anyone. */
export function rateLimitedRoute(route: string, retryAfterMs: number): DispatchError {
  return new DispatchError(
    429,
    'rate_limit_error',
    `every deployment of route "${route}" is rate limited by its provider; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
    'rate_limited',
    null,
    retryAfterMs,
  );
}

/** A bug of ours reached the request: 500, the cause kept for the log at the HTTP boundary. */
export function internalFailure(cause: unknown): DispatchError {
  const err = new DispatchError(500, 'api_error', 'internal error', 'internal_error');
  err.cause = cause;
  return err;
}

/** A budget refusal: 429 with Retry-After while the bucket refills; 400 when the request can never fit. */
export function budgetRejection(err: BudgetRejected): DispatchError {
  if (err.retryAfterMs === null) return new DispatchError(400, 'invalid_request_error', err.message, 'budget_exceeds_capacity', 'max_tokens');
  return new DispatchError(
    429,
    'rate_limit_error',
    `${err.message}; retry after ${Math.ceil(err.retryAfterMs / 1000)} s`,
    'budget_exceeded',
    null,
    err.retryAfterMs,
  );
}
