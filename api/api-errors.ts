import { GraphQLError } from 'graphql';

/** What the API can refuse, as a GraphQL `extensions.code` and an HTTP status. */
export type ApiErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

const httpStatus: Record<ApiErrorCode, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/** An expected refusal: a user mistake or missing rights. Never carries a secret or stored data. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** The argument at fault (`from`, `filter.team`), for BAD_USER_INPUT. */
    readonly argument?: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return httpStatus[this.code];
  }
}

/** A user mistake in one argument; the message starts with the argument's name. */
export function badInput(argument: string, problem: string): ApiError {
  return new ApiError('BAD_USER_INPUT', `${argument}: ${problem}`, argument);
}

export function forbidden(message: string): ApiError {
  return new ApiError('FORBIDDEN', message);
}

export function unauthenticated(message: string): ApiError {
  return new ApiError('UNAUTHENTICATED', message);
}

/**
 * The one place typed errors become GraphQL errors. Anything else is internal: the caller sees
 * "Unexpected error." and the detail goes to our log (yoga's masking does that part).
 */
export function toGraphQLError(error: ApiError, path?: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(error.message, {
    path,
    extensions: { code: error.code, ...(error.argument ? { argument: error.argument } : {}), http: { status: error.httpStatus } },
  });
}

/** Finds our typed error behind graphql-js's wrapping (a resolver error arrives as originalError). */
export function findApiError(error: unknown): ApiError | null {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (e instanceof ApiError) return e;
    e = (e as { originalError?: unknown }).originalError;
  }
  return null;
}
