/**
 * Tunables of the policy engine. Every number is documented with its unit in `docs/policy.md`,
 * which also gives the reasoning and sources; the defaults below are the ones documented there.
 */
export interface PolicySettings {
  /** Reliability ramps from 0 at this (smoothed) success rate… */
  failingSuccessRate: number;
  /** …to 1 at this one. */
  healthySuccessRate: number;
  /** A 429 counts as this fraction of a failure in Reliability (it is a capacity signal, failover absorbs it). */
  rateLimitedFailureWeight: number;
  /** Beta prior: pseudo-attempts at `priorSuccessRate` added to every success rate (thin evidence is neutral). */
  priorAttempts: number;
  priorSuccessRate: number;
  /** Standard errors of the Wilson bound live health and healthy minutes judge by (1.645: one-sided 95 %). */
  evidenceZ: number;
  /** Hour attempts at which a composite's distance from the route's best counts half (thin evidence shrinks toward the configured share). */
  compositePriorAttempts: number;
  /** Below this many counted attempts in the policy window, live health reads the 5-minute window instead. */
  minWindowAttempts: number;
  /** Latency health needs this many ok attempts; fewer says nothing about latency. */
  minLatencySamples: number;
  /** A p95 within tolerance × fastest p95 + slack of the route's fastest is not slower in any way that matters. */
  latencyTolerance: number;
  latencySlackMs: number;
  /** The lowest latency alone can scale health to. */
  minLatencyFactor: number;
  /**
   * A minute counts as down for Availability when its evidence shows the success rate (429s
   * weighted) below this: the Wilson upper bound at `evidenceZ` is under it. Every other minute
   * with attempts is up.
   */
  downMinuteSuccessRate: number;
  /** Pseudo-minutes of healthy service added to Availability. */
  priorMinutes: number;
  /** Pseudo-tokens at the list price blended into the observed effective price. */
  priorTokens: number;
  /** Content filter refusals: Trust's anomaly factor is 1 − this × refused share (floored at 0). */
  contentFilterPenalty: number;
  /** Health at or below this is a hard failure: the weight drops to its target at once. */
  failingHealth: number;
  /** Health below this is labelled degraded. */
  degradedHealth: number;
  /** Multiplicative decrease: a step lowers the weight to no less than this fraction of the previous one. */
  decreaseFactor: number;
  /** Additive increase: a step raises the weight by at most this. */
  increaseStep: number;
  /** Dead band: a target closer than this to the current weight changes nothing (hysteresis). */
  deadband: number;
  /** After a decrease, no increase for this long × the flap penalty (at least × 1), ms. */
  recoveryHoldMs: number;
  /** The recovery hold never exceeds this, ms. */
  maxRecoveryHoldMs: number;
  /** Half-life of the flap penalty, ms (RFC 2439 route flap damping). */
  flapPenaltyHalfLifeMs: number;
  /** At this flap penalty a deployment is suppressed: no increase at all… */
  suppressPenalty: number;
  /** …until the penalty has decayed below this (RFC 2439's reuse threshold). */
  reusePenalty: number;
  /** Every configured deployment keeps at least this weight, so a recovered one is rediscovered. */
  explorationFloor: number;
  /** The 429 rule: 429s above this share of attempts over `rateLimitWindowMs`… */
  rateLimitShare: number;
  rateLimitWindowMs: number;
  /** …with at least this many attempts, put the deployment below every deployment not over the rule. */
  rateLimitMinAttempts: number;
  /** The demoted deployment's effective weight is at most this fraction of the lowest one it ranks below. */
  rateLimitRankGap: number;
  /** Availability looks back this far, ms. */
  availabilityWindowMs: number;
  /**
   * A collector's report of an open circuit counts until its next report, but at most this long,
   * ms: collectors re-report a circuit still open every minute, so one that died stops counting.
   */
  circuitReportGraceMs: number;
}

export const defaultPolicySettings: PolicySettings = {
  failingSuccessRate: 0.5,
  healthySuccessRate: 0.95,
  rateLimitedFailureWeight: 0.5,
  priorAttempts: 5,
  priorSuccessRate: 0.99,
  evidenceZ: 1.645,
  compositePriorAttempts: 20,
  minWindowAttempts: 20,
  minLatencySamples: 20,
  latencyTolerance: 1.5,
  latencySlackMs: 50,
  minLatencyFactor: 0.25,
  downMinuteSuccessRate: 0.5,
  priorMinutes: 5,
  priorTokens: 100_000,
  contentFilterPenalty: 5,
  failingHealth: 0.2,
  degradedHealth: 0.8,
  decreaseFactor: 0.5,
  increaseStep: 0.1,
  deadband: 0.05,
  recoveryHoldMs: 60_000,
  maxRecoveryHoldMs: 15 * 60_000,
  flapPenaltyHalfLifeMs: 5 * 60_000,
  suppressPenalty: 1.5,
  reusePenalty: 0.75,
  explorationFloor: 0.05,
  rateLimitShare: 0.2,
  rateLimitWindowMs: 5 * 60_000,
  rateLimitMinAttempts: 20,
  rateLimitRankGap: 0.5,
  availabilityWindowMs: 60 * 60_000,
  circuitReportGraceMs: 150_000,
};
