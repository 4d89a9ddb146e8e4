/** Dimensions a rule can filter and group by; each is a column of the rollups. */
export const alertDimensions = ['team', 'project', 'feature', 'api_key_id', 'route', 'provider', 'deployment', 'model'] as const;
export type AlertDimension = (typeof alertDimensions)[number];

/**
 * How a metric's window value is formed:
 * - `additive`: a sum over the window's minutes (the rule's aggregation may change that);
 * - `ratio`: numerator / denominator summed over the window, in [0, 1];
 * - `quantile`: a percentile of the window's merged TDigest, ms.
 */
export type MetricKind = 'additive' | 'ratio' | 'quantile';

/** What a rule can watch, with its kind, unit and what counts as its volume. */
export const alertMetrics = {
  spend_usd: { kind: 'additive', unit: 'USD', volume: 'requests' },
  tokens: { kind: 'additive', unit: 'tokens', volume: 'requests' },
  requests: { kind: 'additive', unit: 'requests', volume: 'requests' },
  error_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts' },
  final_failure_rate: { kind: 'ratio', unit: 'share of requests', volume: 'requests' },
  fallback_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts' },
  rate_limit_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts' },
  p95_latency_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts' },
  p99_latency_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts' },
  p95_ttft_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts' },
  p99_ttft_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts' },
} as const satisfies Record<string, { kind: MetricKind; unit: string; volume: 'requests' | 'attempts' }>;

export type AlertMetric = keyof typeof alertMetrics;
export const alertMetricNames = Object.keys(alertMetrics) as AlertMetric[];

/** Ways the minutes of a window combine for additive metrics (ratios and quantiles combine their own way). */
export const aggregations = ['sum', 'avg_per_minute', 'max_per_minute'] as const;
export type Aggregation = (typeof aggregations)[number];
