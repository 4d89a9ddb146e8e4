import { alertRuleSchema, type AlertRule, type AlertRuleInput } from './alert-rule-schema.ts';

/** Decision reasons (policy/routing-decision-contract.ts) that mean the policy engine or an operator cut a deployment. */
export const DEMOTION_REASONS = ['degraded', 'failing', 'rate_limited', 'drained'];

/** The detectors on by default; docs/alerts.md states each baseline and why. */
const detectors = {
  /**
   * A team's spend in the last minute against the same minute of each of the last 7 days, scaled
   * by today's level, breaching in two consecutive evaluations (pending 1m). The windows do not
   * overlap, so the second evaluation is new evidence: with the earlier 2-minute window, one noisy
   * minute sat in both windows and could fire alone. A 3× spike fires 2 minutes in.
   */
  spend_spike: {
    metric: 'spend_usd',
    window: '1m',
    group_by: ['team'],
    min_volume: 20,
    pending: '1m',
    keep_firing_for: '5m',
    severity: 'warning',
    // level_span: a Monday runs ~130 % of the usual day all day long, weekends 45 %, a holiday 30 %:
    // each baseline day is rescaled to today's level. (It replaces `weekly`, which held a holiday to
    // last week's normal day, so a 3× spike on a holiday went unseen.)
    condition: { type: 'anomaly', baseline: { every: '1d', count: 7 }, statistic: 'median', sensitivity: 3, min_ratio: 1.5, level_span: '3h' },
    description:
      "Team spend in the last minute against the same minute of the trailing 7 days each rescaled to today's level (the 3 hours before against the same hours of that day, ⅓–3×): median + 3 × scaled MAD, at least 150 %, in 2 consecutive minutes.",
  },
  /** A team's last 24 hours against the mean of the 7 days before. */
  daily_spend: {
    metric: 'spend_usd',
    window: '1d',
    group_by: ['team'],
    min_volume: 100,
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1d', count: 7 }, statistic: 'mean', sensitivity: 0, min_ratio: 1.5, weekly: true },
    description: 'Team spend over the last 24 hours above 150 % of the mean of the 7 days before (and of the same 24 hours a week ago).',
  },
  /** One key's spend per minute (5-minute mean) against its own history (same minutes, last 7 days) and its team's other keys. */
  denial_of_wallet: {
    metric: 'spend_usd',
    aggregation: 'avg_per_minute',
    window: '5m',
    group_by: ['team', 'api_key_id'],
    min_volume: 20,
    pending: '1m',
    keep_firing_for: '5m',
    severity: 'critical',
    condition: {
      type: 'anomaly',
      baseline: { every: '1d', count: 7 },
      statistic: 'median',
      sensitivity: 5,
      min_ratio: 4,
      // A wallet drained is money: at least $3 an hour more than the key's usual. A quiet key at
      // night (a cent a minute) otherwise crossed 4× on a few expensive requests.
      min_delta: 0.05,
      weekly: true,
      peers: { by: 'team', fence: 3, min_peers: 2 },
    },
    description:
      "A key's spend per minute (mean over 5 minutes) above its own history at the same time of day (median + 5σ, at least 4× and $0.05 a minute more, and 4× a week ago), having grown more than its team's other keys (Tukey far-out fence on their growth), for 2 evaluations.",
  },
  fallback_rate_spike: {
    metric: 'fallback_rate',
    window: '5m',
    group_by: ['route', 'provider'],
    min_volume: 20,
    // pending: detectors of one incident (429s here, failovers there) fire together, so the route's group sends one notice.
    pending: '1m',
    keep_firing_for: '5m',
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, statistic: 'mean', sensitivity: 4, min_ratio: 2, min_delta: 0.05 },
    description: 'Share of attempts that are failovers, per route and provider, against the trailing day (+5 points at least).',
  },
  error_rate_spike: {
    metric: 'error_rate',
    window: '5m',
    group_by: ['route', 'provider'],
    min_volume: 20,
    pending: '1m',
    keep_firing_for: '5m',
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, statistic: 'mean', sensitivity: 4, min_ratio: 2, min_delta: 0.05 },
    description: 'Share of attempts ending in an error or timeout, per route and provider, against the trailing day.',
  },
  rate_limit_spike: {
    metric: 'rate_limit_rate',
    window: '5m',
    group_by: ['route', 'provider'],
    min_volume: 20,
    pending: '1m',
    keep_firing_for: '5m',
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, statistic: 'mean', sensitivity: 4, min_ratio: 2, min_delta: 0.05 },
    description: 'Share of attempts answered 429, per route and provider, against the trailing day.',
  },
  p99_latency_regression: {
    metric: 'p99_latency_ms',
    window: '10m',
    group_by: ['route', 'deployment'],
    min_volume: 50,
    keep_firing_for: '5m',
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, sensitivity: 4, min_ratio: 1.5 },
    description: 'p99 attempt latency per deployment against the trailing day (median + 4σ, at least 150 %).',
  },
  ttft_regression: {
    metric: 'p95_ttft_ms',
    window: '10m',
    group_by: ['route', 'deployment'],
    min_volume: 50,
    keep_firing_for: '5m',
    severity: 'warning',
    condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, sensitivity: 4, min_ratio: 1.5 },
    description: 'p95 time to first token per deployment against the trailing day.',
  },
  /** Each threshold crossing the budget engine raises (budget_events_v1), notified once, grouped by budget. */
  budget_threshold: {
    metric: 'budget_consumption',
    window: '1m',
    severity: 'warning',
    notify_once: true,
    condition: { type: 'budget_event' },
    description:
      "A budget subject's spend reached one of its thresholds (a share of the soft limit), as the budget engine raised it: one notice per threshold and period.",
  },
  /** The budget engine's "forecast exceeds the limit" event, notified once per period. */
  budget_forecast: {
    metric: 'budget_forecast',
    window: '1m',
    severity: 'warning',
    notify_once: true,
    condition: { type: 'budget_event' },
    description: "The budget engine forecasts a subject's spend past its limit before the period ends (spend still under it): one notice per period.",
  },
  /**
   * A deployment the policy engine demoted (degraded, failing, rate-limited by the 429 rule) or
   * an operator drained: its newest decision has one of those reasons and a weight below 0.99.
   * It resolves when the reason leaves that set (healthy, recovering, …): no data, at once.
   */
  deployment_demoted: {
    metric: 'deployment_weight',
    window: '5m',
    group_by: ['route', 'deployment'],
    filters: { reason: DEMOTION_REASONS },
    severity: 'warning',
    condition: { type: 'static', op: '<', threshold: 0.99 },
    description: 'A deployment whose weight the policy engine cut (degraded, failing, rate-limited) or an operator drained; resolves when it is restored.',
  },
} satisfies Record<string, Omit<AlertRuleInput, 'name'>>;

export const detectorNames = Object.keys(detectors) as Array<keyof typeof detectors>;
export type DetectorName = keyof typeof detectors;

/** The built-in rules, minus those switched off (`alerts.detectors.<name>: false`). */
export function defaultRules(enabled: Partial<Record<DetectorName, boolean>> = {}): AlertRule[] {
  return detectorNames.filter((n) => enabled[n] !== false).map((name) => alertRuleSchema.parse({ name, ...detectors[name] }));
}
