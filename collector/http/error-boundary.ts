import { DispatchError } from '../dispatch/dispatch-error.ts';

/**
 * The one place a failure becomes what the client sees. Errors the dispatch layer already put in
 * client terms (DispatchError) pass unchanged; anything else is a bug of ours: logged with its
 * stack, answered as a 500 that names no provider and leaks nothing.
 */
export function clientErrorOf(err: unknown, log: ((message: string) => void) | undefined): DispatchError {
  if (err instanceof DispatchError) {
    if (err.code === 'internal_error') log?.(`collector: internal error: ${stackOf(err.cause)}`);
    return err;
  }
  log?.(`collector: internal error: ${stackOf(err)}`);
  return new DispatchError(500, 'api_error', 'internal error', 'internal_error');
}

function stackOf(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/** Retry-After in whole seconds (at least 1), as HTTP wants it. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
