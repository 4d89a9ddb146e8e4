import { backoffDelayMs } from '../../../core/retry/backoff.ts';
import type { TryOutcome } from './http-try.ts';
import type { IntervalLimiter } from './rate-limiter.ts';

/** Bounds of one notification's delivery. */
export interface RetryPolicy {
  maxTries: number;
  /** Full-jitter exponential backoff for 5xx and network errors, ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this ends the delivery (it becomes a dead letter), ms. */
  maxRetryAfterMs: number;
  /** No try starts after this long from the first, ms. */
  deadlineMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxTries: 5, baseDelayMs: 500, maxDelayMs: 15_000, maxRetryAfterMs: 60_000, deadlineMs: 120_000 };

export interface RetryDeps {
  limiter: IntervalLimiter;
  /** Rate-limit key: one per webhook URL (its hash, not the URL). */
  limiterKey: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Called after every try, for the delivery log. */
  onTry: (tryNo: number, outcome: TryOutcome) => Promise<void> | void;
}

export interface DeliveryResult {
  delivered: boolean;
  tries: number;
  last: TryOutcome;
  /** Why it stopped without delivering: rejected, tries, deadline or retry_after_too_long. */
  gaveUp: 'rejected' | 'tries' | 'deadline' | 'retry_after_too_long' | null;
}

/**
 * Sends until delivered or a bound is hit: at most one try per limiter slot; 429 waits its
 * Retry-After (or the backoff when absent); 5xx and network errors back off with full jitter;
 * other 4xx stop at once. Every try is reported to `onTry` before the next begins.
 */
export async function deliverWithRetry(send: () => Promise<TryOutcome>, policy: RetryPolicy, d: RetryDeps): Promise<DeliveryResult> {
  const started = d.now();
  let tryNo = 0;
  for (;;) {
    await d.sleep(d.limiter.reserve(d.limiterKey));
    tryNo++;
    const outcome = await send();
    await d.onTry(tryNo, outcome);
    if (outcome.kind === 'delivered') return { delivered: true, tries: tryNo, last: outcome, gaveUp: null };
    if (outcome.kind === 'rejected') return { delivered: false, tries: tryNo, last: outcome, gaveUp: 'rejected' };
    if (tryNo >= policy.maxTries) return { delivered: false, tries: tryNo, last: outcome, gaveUp: 'tries' };
    let waitMs = backoffDelayMs(policy, tryNo, d.random);
    if (outcome.kind === 'rate_limited' && outcome.retryAfterMs !== null) {
      if (outcome.retryAfterMs > policy.maxRetryAfterMs) return { delivered: false, tries: tryNo, last: outcome, gaveUp: 'retry_after_too_long' };
      waitMs = outcome.retryAfterMs;
      d.limiter.pushBack(d.limiterKey, d.now() + waitMs);
    }
    if (d.now() + waitMs - started > policy.deadlineMs) return { delivered: false, tries: tryNo, last: outcome, gaveUp: 'deadline' };
    // A 429 already pushed the limiter slot out; the reserve at the top of the loop waits for it.
    if (outcome.kind !== 'rate_limited' || outcome.retryAfterMs === null) await d.sleep(waitMs);
  }
}
