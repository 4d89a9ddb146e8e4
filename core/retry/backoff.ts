/** Exponential backoff bounds, ms. */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay; doubles per retry. */
  baseDelayMs: number;
  /** No delay, Retry-After included, is longer than this. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retryNo` (1 for the first retry), ms: capped exponential backoff
 * with full jitter — uniform in [0, min(max, base × 2^(retryNo−1))) — so synchronized clients
 * spread out (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). A Retry-After the
 * failure carried is honoured, capped at `maxDelayMs`; pass null when the retry goes somewhere
 * the Retry-After does not cover.
 */
export function backoffDelayMs(policy: BackoffPolicy, retryNo: number, random: () => number, retryAfterMs: number | null = null): number {
  // 2^30 × any sane base is far past any cap; the bound keeps the product finite.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, Math.max(0, retryNo - 1)));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
}
