import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { alertStateNames, type AlertStateName } from '../../../policy/alerts/detect/alert-state.ts';
import type { AlertInstance } from '../../../policy/alerts/detect/evaluate-rule.ts';
import { queryAlerts } from '../../../policy/alerts/store/alert-history-query.ts';

/** Current states look this far back for each alert's newest evaluation. */
const CURRENT_LOOKBACK_MS = 8 * 86_400_000;

export const alertsTypeDefs = /* GraphQL */ `
  enum AlertState { ${alertStateNames.map((s) => s.toUpperCase()).join(' ')} }

  type AlertLabel { name: String!, value: String! }

  "Why an alert is where it is: the window's value against its threshold and baseline."
  type AlertEvidence {
    "The metric over the rule's window, in the metric's unit (USD, share, ms)."
    value: Float!
    "The line the value was held to; null while the baseline is too short."
    threshold: Float
    "Baseline centre (median or mean of the baseline windows); null for static rules."
    baseline: Float
    "Baseline spread in sigma units."
    spread: Float
    "Upper Tukey fence of the peers' growth, for peer rules."
    peerFence: Float
    "value / threshold: fires at 1, resolves below 0.95."
    ratio: Float!
    "Requests or attempts in the window."
    volume: Int64!
    "The baseline windows' values, oldest first (null: no data)."
    series: [Float]!
    "Today's level against the baseline days' that scaled the baseline (rules with level_span); null otherwise."
    level: Float
    "What the source says about the value: the policy engine's reason for a deployment's weight, the budget event crossed."
    detail: String
  }

  type Alert {
    fingerprint: ID!
    rule: String!
    severity: String!
    state: AlertState!
    "The rule's group_by values."
    labels: [AlertLabel!]!
    since: DateTime!
    activeSince: DateTime
    evaluatedAt: DateTime!
    evidence: AlertEvidence
  }

  extend type Query {
    """
    Alerts in the given states (default firing and pending) as of their newest evaluation; with
    from and to (at most 31 days), every evaluation in [from, to) instead: the history.
    """
    alerts(states: [AlertState!], rule: String, from: DateTime, to: DateTime, first: Int = 200): [Alert!]!
  }
`;

/** An alert instance as the API shows it. */
export function alertView(a: AlertInstance) {
  const e = a.state.evidence;
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    fingerprint: a.fingerprint,
    rule: a.rule,
    severity: a.severity,
    state: a.state.state.toUpperCase(),
    labels: Object.entries(a.group).map(([name, value]) => ({ name, value })),
    since: new Date(a.state.since),
    activeSince: a.state.activeSince === null ? null : new Date(a.state.activeSince),
    evaluatedAt: new Date(a.state.evaluatedAt),
    evidence: e && {
      ...e,
      threshold: finite(e.threshold),
      ratio: finite(e.ratio) ?? 0,
      volume: String(e.volume),
      level: e.level ?? null,
      detail: e.detail ?? null,
    },
  };
}

interface AlertsArgs {
  states?: string[] | null;
  rule?: string | null;
  from?: unknown;
  to?: unknown;
  first?: number;
}

export const alerts: RootField<AlertsArgs> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const first = args.first ?? 200;
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw badInput('first', 'must be between 1 and 1000');
    if ((args.from == null) !== (args.to == null))
      throw badInput(args.from == null ? 'from' : 'to', 'give both from and to for history, or neither for current alerts');
    const range = args.from != null ? readTimeRange({ from: args.from, to: args.to }, 31) : undefined;
    const states = (args.states?.length ? args.states : ['FIRING', 'PENDING']).map((s) => s.toLowerCase() as AlertStateName);
    const found = await queryAlerts((q, p) => ctx.store.rows(q, p), {
      states,
      rule: args.rule ?? undefined,
      range,
      teams: grant.teams,
      lookbackMs: CURRENT_LOOKBACK_MS,
      nowMs: ctx.clock.now(),
      limit: first,
    });
    return found.map(alertView);
  },
};
