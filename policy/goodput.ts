/**
 * Goodput bucket bounds of `attempts_per_minute_by_deployment_v2.served_by_latency_ttft` (ms,
 * docs/schema.md): an SLO threshold must be one of them, so "requests meeting the SLO" is an exact
 * sum of buckets, not an estimate.
 */
export const goodputLatencyBoundsMs = [250, 500, 1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000] as const;
export const goodputTtftBoundsMs = [100, 250, 500, 1000, 2000, 5000, 10000] as const;

/** A route's goodput SLO: a served request counts when its latency (and TTFT, when set) are within bounds. */
export interface GoodputSlo {
  latencyMs: number;
  /**
   * Unset: latency only (a batch route). A non-streamed answer's first token reaches the caller
   * with the whole answer, so its TTFT is its latency.
   */
  ttftMs: number | null;
}

/**
 * Whether a bucket key `"<latency ≤ ms>:<ttft ≤ ms|none>"` lies within the SLO. A bucket is
 * within when its upper bounds are ≤ the SLO's (the bounds are the same set, so this is exact).
 */
export function bucketMeetsSlo(key: string, slo: GoodputSlo): boolean {
  const [latency, ttft] = key.split(':');
  const latencyBound = Number(latency);
  if (!(latencyBound <= slo.latencyMs)) return false;
  if (slo.ttftMs === null) return true;
  // Not streamed: the latency bucket's bound is the TTFT bound (the two bucket sets share their edges up to 10 s).
  if (ttft === undefined || ttft === 'none') return latencyBound <= slo.ttftMs;
  return Number(ttft) <= slo.ttftMs;
}

/** Goodput of a set of buckets: requests meeting the SLO, their share of served requests and per second. */
export function goodput(
  buckets: Readonly<Record<string, number>>,
  slo: GoodputSlo,
  seconds: number,
): { met: number; served: number; share: number | null; perSecond: number } {
  let met = 0;
  let served = 0;
  for (const [key, n] of Object.entries(buckets)) {
    served += n;
    if (bucketMeetsSlo(key, slo)) met += n;
  }
  return { met, served, share: served > 0 ? met / served : null, perSecond: seconds > 0 ? met / seconds : 0 };
}
