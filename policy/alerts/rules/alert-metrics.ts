/** Dimensions of the traffic rollups (attempts and per-key spend). */
export const rollupDimensions = ['team', 'project', 'feature', 'api_key_id', 'route', 'provider', 'deployment', 'model'] as const;

/**
 * Every dimension a rule can filter and group by. Besides the rollups': `alternate` (the shadow
 * deployment of a parity pair), `budget`, `subject` and `scope` (budget status and events), and
 * `reason` (why the policy engine gave a deployment its weight).
 */
export const alertDimensions = [...rollupDimensions, 'alternate', 'budget', 'subject', 'scope', 'reason'] as const;
export type AlertDimension = (typeof alertDimensions)[number];

/**
 * How a metric's window value is formed:
 * - `additive`: a sum over the window's minutes (the rule's aggregation may change that);
 * - `ratio`: numerator / denominator summed over the window, in [0, 1];
 * - `quantile`: a percentile of the window's merged TDigest, ms;
 * - `level`: the newest value published in the window (a gauge the policy engine writes each
 *   evaluation); a window without one is no data.
 */
export type MetricKind = 'additive' | 'ratio' | 'quantile' | 'level';

/** Where a metric is read from (each source has its own table and dimensions). */
export type MetricSource = 'rollup' | 'parity' | 'budget' | 'routing';

interface MetricSpec {
  kind: MetricKind;
  unit: string;
  /** What the window's volume counts (min_volume and the sampling band use it). */
  volume: 'requests' | 'attempts' | 'checked' | 'shadowed' | 'evaluations';
  source: MetricSource;
  /** Dimensions this metric's source can filter and group by. */
  dimensions: readonly AlertDimension[];
}

const parityServed: readonly AlertDimension[] = ['route', 'provider', 'deployment'];
const budgetDims: readonly AlertDimension[] = ['budget', 'subject', 'scope'];

/** What a rule can watch, with its kind, unit, volume, source and dimensions. */
export const alertMetrics = {
  spend_usd: { kind: 'additive', unit: 'USD', volume: 'requests', source: 'rollup', dimensions: rollupDimensions },
  tokens: { kind: 'additive', unit: 'tokens', volume: 'requests', source: 'rollup', dimensions: rollupDimensions },
  requests: { kind: 'additive', unit: 'requests', volume: 'requests', source: 'rollup', dimensions: rollupDimensions },
  error_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  final_failure_rate: { kind: 'ratio', unit: 'share of requests', volume: 'requests', source: 'rollup', dimensions: rollupDimensions },
  fallback_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  rate_limit_rate: { kind: 'ratio', unit: 'share of attempts', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  p95_latency_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  p99_latency_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  p95_ttft_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  p99_ttft_ms: { kind: 'quantile', unit: 'ms', volume: 'attempts', source: 'rollup', dimensions: rollupDimensions },
  /** docs/parity.md: answers that kept their contract / answers checked (served traffic). */
  parity_rate: { kind: 'ratio', unit: 'share of checked answers', volume: 'checked', source: 'parity', dimensions: parityServed },
  /** docs/parity.md: shadow answers matching the served one in structure / shadow answers; deployment = served, alternate = shadow. */
  shadow_match_rate: { kind: 'ratio', unit: 'share of shadow answers', volume: 'shadowed', source: 'parity', dimensions: ['route', 'deployment', 'alternate'] },
  /** docs/budgets.md: spent / limit of the subject's current period, newest budget evaluation. */
  budget_consumption: { kind: 'level', unit: 'share of the limit', volume: 'evaluations', source: 'budget', dimensions: budgetDims },
  /** Forecast spend at period end / limit, newest budget evaluation. */
  budget_forecast: { kind: 'level', unit: 'share of the limit', volume: 'evaluations', source: 'budget', dimensions: budgetDims },
  /** The weight multiplier (0..1) the policy engine published for a deployment, newest decision. */
  deployment_weight: { kind: 'level', unit: 'weight multiplier', volume: 'evaluations', source: 'routing', dimensions: ['route', 'deployment', 'reason'] },
} as const satisfies Record<string, MetricSpec>;

export type AlertMetric = keyof typeof alertMetrics;
export const alertMetricNames = Object.keys(alertMetrics) as AlertMetric[];

/** Metrics of the traffic rollups (the memory source and the rollup source read these). */
export type RollupMetric = { [M in AlertMetric]: (typeof alertMetrics)[M]['source'] extends 'rollup' ? M : never }[AlertMetric];

/** Ways the minutes of a window combine for additive metrics (ratios and quantiles combine their own way). */
export const aggregations = ['sum', 'avg_per_minute', 'max_per_minute'] as const;
export type Aggregation = (typeof aggregations)[number];
