import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { latestDecisions } from '../../../policy/decision-store.ts';
import { queryScoreHistory } from '../../../policy/score-history-query.ts';
import { factorNames } from '../../../policy/policy-inputs.ts';
import { unknownRouteError } from './route-argument.ts';
import { WEIGHTS_LOOKBACK_MS } from './routing-weights-field.ts';

/** History is kept 30 days (routing_decisions_v1 TTL). */
const MAX_HISTORY_DAYS = 30;
const MAX_POINTS_PER_DEPLOYMENT = 2000;

export const providerScoresTypeDefs = /* GraphQL */ `
  type EvidenceItem { name: String!, value: Float, unit: String! }

  "One CRAFT factor on its [0, 1] scale with the evidence and window behind it (docs/policy.md)."
  type CraftFactor {
    name: String!
    score: Float!
    "Window of the evidence, seconds; 0 for factors read from the routes file."
    windowS: Float!
    evidence: [EvidenceItem!]!
  }

  type ProviderScore {
    route: String!
    deployment: String!
    composite: Float!
    factors: [CraftFactor!]!
    weight: Float!
    reason: DecisionReason!
    computedAt: DateTime!
  }

  "Averages over one bucket of policy evaluations."
  type ScorePoint {
    deployment: String!
    bucketStart: DateTime!
    ${['composite', ...factorNames, 'weight'].map((f) => `${f}: Float!`).join('\n    ')}
    "The reason most evaluations in the bucket gave."
    reason: String!
    evaluations: Int!
  }

  type ProviderScores {
    route: String!
    from: DateTime!
    to: DateTime!
    bucketSeconds: Int!
    "The latest evaluation, with evidence."
    current: [ProviderScore!]!
    history: [ScorePoint!]!
  }

  extend type Query {
    """
    CRAFT scores (Cost, Reliability, Availability, Flexibility, Trust) of a route's deployments:
    the latest with the evidence behind each factor, and their history over [from, to) (default
    the last hour; at most 30 days) averaged per bucketSeconds (default: about 240 points).
    """
    providerScores(route: String!, deployment: String, from: DateTime, to: DateTime, bucketSeconds: Int): ProviderScores!
  }
`;

interface Args {
  route: string;
  deployment?: string | null;
  from?: unknown;
  to?: unknown;
  bucketSeconds?: number | null;
}

export const providerScores: RootField<Args> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx) => {
    const now = ctx.clock.now();
    const range = readTimeRange({ from: args.from ?? new Date(now - 3_600_000).toISOString(), to: args.to ?? new Date(now).toISOString() }, MAX_HISTORY_DAYS);
    const spanS = (range.toMs - range.fromMs) / 1000;
    const bucketSeconds = args.bucketSeconds ?? Math.max(5, Math.ceil(spanS / 240));
    if (!Number.isInteger(bucketSeconds) || bucketSeconds < 1 || bucketSeconds > 86_400)
      throw badInput('bucketSeconds', 'must be a whole number of seconds from 1 to 86400');
    if (spanS / bucketSeconds > MAX_POINTS_PER_DEPLOYMENT)
      throw badInput(
        'bucketSeconds',
        `gives more than ${MAX_POINTS_PER_DEPLOYMENT} points per deployment over this range; use at least ${Math.ceil(spanS / MAX_POINTS_PER_DEPLOYMENT)}`,
      );
    const [latest, history] = await Promise.all([
      latestDecisions(ctx.store.rows, now, WEIGHTS_LOOKBACK_MS, [args.route]),
      queryScoreHistory(ctx.store.rows, args.route, args.deployment ?? null, range.fromMs, range.toMs, bucketSeconds),
    ]);
    // A route with neither current decisions nor scores in the range is a wrong argument, not an empty answer.
    if (latest.length === 0 && history.length === 0) {
      const unknown = await unknownRouteError(ctx.store.rows, now, WEIGHTS_LOOKBACK_MS, args.route);
      if (unknown) throw unknown;
    }
    const current = latest
      .filter((s) => !args.deployment || s.decision.deployment === args.deployment)
      .map(({ decision: d, craftEvidence }) => ({
        route: d.route,
        deployment: d.deployment,
        composite: d.factors.composite,
        weight: d.weight,
        reason: d.reason,
        computedAt: d.computedAt,
        factors: factorNames.map((name) => ({
          name,
          score: d.factors[name],
          windowS: craftEvidence[name]?.windowS ?? 0,
          evidence: craftEvidence[name]?.evidence ?? [],
        })),
      }));
    return {
      route: args.route,
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      bucketSeconds,
      current,
      history: history.map((p) => ({ ...p, bucketStart: new Date(p.bucketStartMs) })),
    };
  },
};
