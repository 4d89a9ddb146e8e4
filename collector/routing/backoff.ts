export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before attempt `nextAttemptNo` (2, 3, …): capped exponential backoff with full jitter,
 * so synchronized clients spread out. A provider's Retry-After is honoured when the next
 * attempt goes back to the same deployment; moving to another deployment need not wait for it.
 */
export function backoffDelayMs(
  policy: BackoffPolicy,
  nextAttemptNo: number,
  random: () => number,
  retryAfterMs: number | null,
  sameDeployment: boolean,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, nextAttemptNo - 2));
  const jittered = Math.floor(random() * ceiling);
  if (sameDeployment && retryAfterMs !== null) return Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
  return jittered;
}
