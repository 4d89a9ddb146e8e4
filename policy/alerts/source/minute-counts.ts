import type { WindowValue } from '../detect/evidence.ts';
import { alertMetrics, type AlertMetric, type RollupMetric } from '../rules/alert-metrics.ts';

/** Additive per-minute counters of one series, the shape of a v2 per-minute rollup row. */
export interface MinuteCounts {
  requests: number;
  attempts: number;
  errors: number;
  fallbacks: number;
  rate_limited: number;
  final_failures: number;
  /** USD. Float here: alerting compares magnitudes; exact money stays in the rollups and reports. */
  spend_usd: number;
  tokens: number;
  /** Quantiles in ms, weighted by attempts when minutes are combined (memory source only). */
  p95_latency_ms: number;
  p99_latency_ms: number;
  p95_ttft_ms: number;
  p99_ttft_ms: number;
}

export const minuteCountFields = [
  'requests',
  'attempts',
  'errors',
  'fallbacks',
  'rate_limited',
  'final_failures',
  'spend_usd',
  'tokens',
  'p95_latency_ms',
  'p99_latency_ms',
  'p95_ttft_ms',
  'p99_ttft_ms',
] as const satisfies ReadonlyArray<keyof MinuteCounts>;

const ratioParts: Partial<Record<AlertMetric, [keyof MinuteCounts, keyof MinuteCounts]>> = {
  error_rate: ['errors', 'attempts'],
  final_failure_rate: ['final_failures', 'requests'],
  fallback_rate: ['fallbacks', 'attempts'],
  rate_limit_rate: ['rate_limited', 'attempts'],
};

/**
 * A metric's window value from counters summed over the window, where quantile fields hold
 * Σ(quantile × attempts). Null when the window has no volume for a ratio or quantile.
 */
export function metricValue(metric: AlertMetric, sums: MinuteCounts): WindowValue | null {
  if (alertMetrics[metric].source !== 'rollup') throw new Error(`${metric} is not kept in the traffic rollups`);
  const spec = alertMetrics[metric as RollupMetric];
  const volume = sums[spec.volume];
  if (spec.kind === 'additive') return { value: sums[metric as 'spend_usd' | 'tokens' | 'requests'], volume };
  if (spec.kind === 'ratio') {
    const [num, den] = ratioParts[metric]!;
    return sums[den] > 0 ? { value: sums[num] / sums[den], volume } : null;
  }
  return sums.attempts > 0 ? { value: sums[metric as keyof MinuteCounts] / sums.attempts, volume } : null;
}
