import type { RootField } from '../../schema/domain-module.ts';
import { latestDecisions } from '../../../policy/decision-store.ts';
import { decisionReasons } from '../../../policy/routing-decision-contract.ts';
import { overrideActions } from '../../../policy/operator-overrides.ts';
import { unknownRouteError } from './route-argument.ts';

/** Weights older than this are not published: a collector then falls back to its configured weights. */
export const WEIGHTS_LOOKBACK_MS = 24 * 3_600_000;

export const routingWeightsTypeDefs = /* GraphQL */ `
  "Why a deployment has its weight (docs/policy.md)."
  enum DecisionReason { ${decisionReasons.join(' ')} }
  enum OverrideAction { ${overrideActions.join(' ')} }

  "Each factor and live health on [0, 1], 1 best."
  type RoutingFactors {
    composite: Float!
    cost: Float!
    reliability: Float!
    availability: Float!
    flexibility: Float!
    trust: Float!
    health: Float!
    reliabilityHealth: Float!
    latencyHealth: Float!
    "n / (n + prior attempts): how much the evidence outweighs the neutral prior."
    confidence: Float!
    "What the evidence asks for before the controller's step limits."
    target: Float!
  }

  type RoutingEvidence {
    "Attempts with a verdict in the live window."
    attempts: Int!
    "Smoothed success rate (429s weighted)."
    successRate: Float!
    rateLimitedShare: Float!
    "p95 latency of ok attempts, ms."
    p95Ms: Float
    "Live window length, seconds."
    windowS: Float!
  }

  type RoutingOverrideInForce {
    id: ID!
    action: OverrideAction!
    share: Float
    actor: String!
    reason: String!
    expiresAt: DateTime!
  }

  "One deployment's routing decision (contract routing-decision.v1)."
  type RoutingWeight {
    route: String!
    deployment: String!
    "Multiplier in [0, 1] the collector applies to the configured weight; 0 = last resort only."
    weight: Float!
    "Expected share of the route's first picks."
    share: Float!
    reason: DecisionReason!
    "The numbers, rule and any override behind the weight, in one sentence."
    detail: String!
    factors: RoutingFactors!
    evidence: RoutingEvidence!
    override: RoutingOverrideInForce
    computedAt: DateTime!
    "Deprecated alias of evidence.successRate."
    successRate: Float
    "Deprecated alias of evidence.p95Ms."
    p95LatencyMs: Float
    "Deprecated alias of evidence.attempts."
    attempts: Int!
  }

  extend type Query {
    """
    The latest routing decision of every configured deployment, of one route or of all routes (one
    call for a collector). Deployments no longer configured are absent. Decisions older than a day
    are not published.
    """
    routingWeights(route: String): [RoutingWeight!]!
  }
`;

export const routingWeights: RootField<{ route?: string | null }> = {
  // Collectors poll this with a service token; weights carry no team data, so every role may read them.
  access: { roles: ['service', 'viewer', 'finance', 'operator'] },
  resolve: async (args, ctx) => {
    const stored = await latestDecisions(ctx.store.rows, ctx.clock.now(), WEIGHTS_LOOKBACK_MS, args.route ? [args.route] : undefined);
    if (args.route && stored.length === 0) {
      const unknown = await unknownRouteError(ctx.store.rows, ctx.clock.now(), WEIGHTS_LOOKBACK_MS, args.route);
      if (unknown) throw unknown;
    }
    return stored.map(({ decision: d }) => ({ ...d, successRate: d.evidence.successRate, p95LatencyMs: d.evidence.p95Ms, attempts: d.evidence.attempts }));
  },
};
