import { z } from 'zod';
import { overrideActions } from './operator-overrides.ts';

/**
 * Why a deployment has its weight. `healthy`, `thin_evidence`, `degraded`, `failing`,
 * `recovering` and `rate_limited` come from the evidence; `pinned`, `pinned_elsewhere`, `drained`
 * and `canary` from an operator override.
 */
export const decisionReasons = [
  'healthy',
  'thin_evidence',
  'degraded',
  'failing',
  'recovering',
  'rate_limited',
  'pinned',
  'pinned_elsewhere',
  'drained',
  'canary',
] as const;
export type DecisionReason = (typeof decisionReasons)[number];

const unit = z.number().min(0).max(1);

/**
 * routing-decision.v1: one deployment's weight within its route, the one contract shared by the
 * policy engine (producer), the API (`routingWeights`) and the collector's poller (consumer).
 */
export const routingDecisionSchema = z.object({
  route: z.string().min(1),
  deployment: z.string().min(1),
  /** Multiplier in [0, 1] the collector applies to the configured weight; 0 = last resort only. */
  weight: unit,
  /** Expected share of the route's first picks: configured × weight over the route's sum. */
  share: unit,
  reason: z.enum(decisionReasons),
  /** One human sentence: the numbers and rule behind the weight, and any override with who/why/until. */
  detail: z.string(),
  factors: z.object({
    composite: unit,
    cost: unit,
    reliability: unit,
    availability: unit,
    flexibility: unit,
    trust: unit,
    /** Live health = reliabilityHealth × latencyHealth. */
    health: unit,
    reliabilityHealth: unit,
    latencyHealth: unit,
    /** Weight of the evidence against the prior, n / (n + n₀). */
    confidence: unit,
    /** What the evidence asks for before the controller's step limits: composite / route's best × health. */
    target: unit,
  }),
  evidence: z.object({
    attempts: z.number().int().min(0),
    successRate: unit,
    rateLimitedShare: unit,
    p95Ms: z.number().nonnegative().nullable(),
    windowS: z.number().nonnegative(),
  }),
  override: z
    .object({
      id: z.string(),
      action: z.enum(overrideActions),
      share: unit.nullable(),
      actor: z.string(),
      reason: z.string(),
      expiresAt: z.iso.datetime(),
    })
    .nullable(),
  /** When the policy computed it (ISO-8601 UTC). */
  computedAt: z.iso.datetime(),
});

export type RoutingDecision = z.infer<typeof routingDecisionSchema>;

/** What a collector needs of a decision; the poller validates API answers against it. */
export const appliedWeightSchema = routingDecisionSchema.pick({ route: true, deployment: true, weight: true, computedAt: true });
export type AppliedWeight = z.infer<typeof appliedWeightSchema>;
