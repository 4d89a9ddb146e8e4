import { sleepUnlessAborted, systemClock, type Clock } from '../clock.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';

/** How `retrying` decides, waits and reports; everything but `policy` is optional. */
export interface RetryOptions {
  policy: BackoffPolicy & {
    /** Calls in all, the first included (default: unbounded). */
    maxAttempts?: number;
    /** No retry starts at or after this instant (ms on `clock`); a wait that would end past it ends the retries instead. */
    deadlineMs?: number;
  };
  /** Whether a failure may be retried at all (default: every failure). */
  retryable?: (err: unknown) => boolean;
  /** The wait a failure asks for itself (a provider's or broker's Retry-After), ms; null when none. */
  retryAfterMs?: (err: unknown) => number | null;
  /** Checked after each failure: true gives up (the consumer lost its partition, the process is closing). */
  stopWhen?: () => boolean;
  /** Told about every failure, before the decision (attempt 1 is the first call). */
  onFailure?: (err: unknown, attempt: number) => void;
  /** Runs after each wait, before the next call (a consumer heartbeat); its rejection ends the retries with it. */
  beforeRetry?: () => Promise<void>;
  /** Aborting cuts the current wait short and gives up. */
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
  /** How to wait (tests pass one that advances a fake clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const neverAborted = new AbortController().signal;

/**
 * Calls `attempt` until it resolves, retrying retryable failures after capped exponential backoff
 * with full jitter (at least the failure's Retry-After, see `backoffDelayMs`), within the attempt
 * limit and the deadline. Gives up by rejecting with the last failure, unchanged. The one retry
 * loop of the code base: the Kafka publisher and subscriber use it, and the dispatcher's
 * failover delays come from the same `backoffDelayMs`.
 */
export async function retrying<T>(attempt: (attemptNo: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? sleepUnlessAborted;
  const signal = o.signal ?? neverAborted;
  const maxAttempts = o.policy.maxAttempts ?? Infinity;
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      return await attempt(attemptNo);
    } catch (err) {
      o.onFailure?.(err, attemptNo);
      if (attemptNo >= maxAttempts || signal.aborted || (o.retryable && !o.retryable(err)) || o.stopWhen?.()) throw err;
      const delayMs = backoffDelayMs(o.policy, attemptNo, random, o.retryAfterMs?.(err) ?? null);
      if (o.policy.deadlineMs !== undefined && clock.now() + delayMs >= o.policy.deadlineMs) throw err;
      await sleep(delayMs, signal);
      if (signal.aborted) throw err;
      await o.beforeRetry?.();
    }
  }
}
