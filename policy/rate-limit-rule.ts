import type { PolicySettings } from './policy-settings.ts';
import type { WindowStats } from './policy-inputs.ts';
import { countedAttempts, round4 } from './evidence-smoothing.ts';

/** Whether a deployment is over the 429 rule, with the numbers that decided it. */
export interface RateLimitVerdict {
  over: boolean;
  /** 429s / attempts with a verdict over the rule's window. */
  share: number;
  attempts: number;
  windowS: number;
}

/** The rule from the field: 429s above `rateLimitShare` of at least `rateLimitMinAttempts` attempts over the 5-minute window. */
export function rateLimitVerdict(recent: WindowStats, s: PolicySettings): RateLimitVerdict {
  const attempts = countedAttempts(recent);
  const share = attempts > 0 ? recent.rateLimited / attempts : 0;
  return { over: attempts >= s.rateLimitMinAttempts && share > s.rateLimitShare, share: round4(share), attempts, windowS: recent.windowS };
}

export interface RankedWeight {
  deployment: string;
  configuredWeight: number;
  weight: number;
  over: boolean;
}

/**
 * Caps each deployment over the rule so its effective weight (configured × multiplier) is at most
 * `rateLimitRankGap` × the smallest effective weight among deployments not over the rule — it
 * ranks below the next one even when that one is dearer. With no deployment left to rank below
 * (all over the rule), nothing changes. Returns the capped multipliers of the deployments it capped.
 */
export function applyRateLimitRule(rows: readonly RankedWeight[], s: PolicySettings): Map<string, number> {
  const others = rows.filter((r) => !r.over && r.configuredWeight * r.weight > 0).map((r) => r.configuredWeight * r.weight);
  const capped = new Map<string, number>();
  if (others.length === 0) return capped;
  const ceiling = s.rateLimitRankGap * Math.min(...others);
  for (const r of rows) {
    if (!r.over || r.configuredWeight <= 0) continue;
    // Never rounded to 0: weight 0 means last resort only, and the rule demotes rather than removes.
    capped.set(r.deployment, Math.max(0.0001, round4(Math.min(r.weight, ceiling / r.configuredWeight))));
  }
  return capped;
}
