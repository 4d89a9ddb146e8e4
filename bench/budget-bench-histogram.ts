/** Cumulative bucket counts of one Prometheus histogram, by upper bound (`+Inf` as Infinity). */
export type Buckets = Map<number, number>;

/** The budget-check histogram's buckets summed over collectors' /metrics pages. */
export async function checkBuckets(metricsUrls: string[]): Promise<Buckets> {
  const sum: Buckets = new Map();
  for (const url of metricsUrls) {
    const text = await (await fetch(url)).text();
    for (const m of text.matchAll(/^switchyard_collector_budget_check_duration\w*_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
      const le = m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]);
      sum.set(le, (sum.get(le) ?? 0) + Number(m[2]));
    }
  }
  return sum;
}

/** What was recorded between two readings. */
export const bucketsSince = (after: Buckets, before: Buckets): Buckets => new Map([...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]));

/**
 * A quantile from cumulative buckets, interpolated linearly inside its bucket (as Prometheus'
 * histogram_quantile does); the last finite bound when it falls in +Inf.
 */
export function bucketQuantile(buckets: Buckets, q: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return 0;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const n = buckets.get(le)!;
    if (n >= rank) return Number.isFinite(le) ? lower + ((le - lower) * (rank - below)) / Math.max(1, n - below) : lower;
    lower = le;
    below = n;
  }
  return lower;
}

/** Budget checks that waited for the grantor (`switchyard_collector_budget_check_waited`), summed over collectors. */
export async function checkWaits(metricsUrls: string[]): Promise<number> {
  let sum = 0;
  for (const url of metricsUrls) {
    const text = await (await fetch(url)).text();
    for (const m of text.matchAll(/^switchyard_collector_budget_check_waited\w*(?:\{[^}]*\})? (\d+)/gm)) sum += Number(m[1]);
  }
  return sum;
}
