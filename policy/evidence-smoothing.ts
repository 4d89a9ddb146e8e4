import type { PolicySettings } from './policy-settings.ts';
import type { WindowStats } from './policy-inputs.ts';

/** Attempts that reached a verdict about the deployment (client errors are the caller's). */
export function countedAttempts(w: WindowStats): number {
  return w.ok + w.serverErrors + w.rateLimited;
}

/**
 * Success rate with a Beta prior (Bayesian average): (ok + n₀·p₀) / (ok + failures + n₀), where a
 * 429 counts as `rateLimitedFailureWeight` of a failure. With no evidence it is p₀ (neutral: the
 * deployment is treated as configured); each attempt moves it toward what was observed.
 */
export function smoothedSuccessRate(w: WindowStats, s: PolicySettings): number {
  const failures = w.serverErrors + s.rateLimitedFailureWeight * w.rateLimited;
  return (w.ok + s.priorAttempts * s.priorSuccessRate) / (w.ok + failures + s.priorAttempts);
}

/**
 * The highest success rate the evidence leaves plausible: the Wilson score interval's upper bound
 * (Wilson 1927) at `s.evidenceZ` standard errors (one-sided 95 % at 1.645), 429s weighted as in
 * `smoothedSuccessRate`. No evidence gives 1. Live health judges by it, so a deployment is
 * demoted only by as much as its evidence shows it worse: one failure among four attempts is not
 * a 25-point drop, while 30 failures in a row are.
 */
export function successUpperBound(w: WindowStats, s: PolicySettings): number {
  const n = w.ok + w.serverErrors + s.rateLimitedFailureWeight * w.rateLimited;
  if (n <= 0) return 1;
  const p = w.ok / n;
  const z2 = s.evidenceZ * s.evidenceZ;
  return clamp01((p + z2 / (2 * n) + s.evidenceZ * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/**
 * Shrinks a deployment's composite relative to its route's best toward 1 (its configured share)
 * by how much hour evidence it has: 1 − c·(1 − relative), c = n / (n + compositePriorAttempts).
 * Thin evidence then moves the weight little, whichever factor it lands in.
 */
export function shrunkRelative(relative: number, hourAttempts: number, s: PolicySettings): number {
  const c = hourAttempts / (hourAttempts + s.compositePriorAttempts);
  return 1 - c * (1 - relative);
}

/** Linear ramp of a success rate onto [0, 1]: 0 at `failingSuccessRate`, 1 at `healthySuccessRate`. */
export function successScore(rate: number, s: PolicySettings): number {
  return clamp01((rate - s.failingSuccessRate) / (s.healthySuccessRate - s.failingSuccessRate));
}

/** How much the evidence outweighs the prior, in [0, 1): n / (n + n₀). */
export function confidence(counted: number, s: PolicySettings): number {
  return counted / (counted + s.priorAttempts);
}

/**
 * The window live health reads: the policy window when it holds enough attempts, or none (no
 * fresh evidence: neutral), or only successes (fresh evidence of health); the 5-minute window when
 * the policy window holds a few attempts with a failure among them (low traffic: more evidence
 * before judging). So a deployment at weight 0 is rediscovered: once its failures leave the policy
 * window it is explored, a successful probe counts at once, and a failed one brings the 5-minute
 * evidence back.
 */
export function liveWindow(window: WindowStats, recent: WindowStats, s: PolicySettings): WindowStats {
  const n = countedAttempts(window);
  return n >= s.minWindowAttempts || window.ok === n ? window : recent;
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Rounds to 4 decimals: weights and scores are published, and noise below that means nothing. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
