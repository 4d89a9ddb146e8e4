import { ProviderError } from '../providers/provider.ts';
import type { ParityOutcome } from './parity-outcome.ts';

/**
 * An answer that broke its request's contract on a route that treats that as a failed attempt.
 * An `invalid_response` to the dispatcher, so it fails over to a deployment not yet tried;
 * the attempt event keeps the parity outcome and the next attempt's fallback reason is
 * `parity_violation` (see attempt-event-builder).
 */
export class ParityViolation extends ProviderError {
  constructor(
    readonly outcome: ParityOutcome,
    detail: string,
  ) {
    super('invalid_response', `the answer broke the request's contract (${outcome}: ${detail})`);
  }
}

/** Fallback reason of the attempt after a parity failure. */
export const PARITY_FALLBACK_REASON = 'parity_violation';
