import type { PolicySettings } from './policy-settings.ts';
import type { WindowStats } from './policy-inputs.ts';
import { smoothedSuccessRate } from './evidence-smoothing.ts';

/** A deployment's success rate for CRAFT, and how it was pooled with its route's. */
export interface PooledRate {
  /** Success rate, 429s weighted as in `smoothedSuccessRate`. */
  rate: number;
  /** The route's pooled rate it was shrunk toward; null when not pooled (fewer than two deployments with evidence, or none of its own). */
  routeRate: number | null;
  /** B: how much of its own deviation from the route's rate it keeps, in [0, 1]; null when not pooled. */
  kept: number | null;
}

/**
 * Success rates of one route's deployments for CRAFT, by empirical-Bayes pooling (Beta–Binomial,
 * method of moments; Efron & Morris 1975): each observed rate p̂ᵢ is shrunk toward the route's
 * pooled rate p̄ by Bᵢ = τ² / (τ² + σᵢ²), where σᵢ² = p̄(1 − p̄)/nᵢ is its sampling variance and
 * τ² = max(0, spread of the p̂ᵢ − mean σ²) the spread the evidence shows beyond sampling noise.
 * Deployments whose rates differ by no more than noise score alike, so the factors where they truly
 * differ (price, capabilities, terms) decide the ranking; rates that really differ keep most of
 * their difference. A deployment without attempts keeps the neutral Beta prior, as does every
 * deployment of a route with fewer than two that have attempts.
 */
export function pooledSuccessRates(windows: ReadonlyMap<string, WindowStats>, s: PolicySettings): Map<string, PooledRate> {
  const weighted = (w: WindowStats) => w.ok + w.serverErrors + s.rateLimitedFailureWeight * w.rateLimited;
  const seen = [...windows].filter(([, w]) => weighted(w) > 0);
  const out = new Map<string, PooledRate>([...windows].map(([d, w]) => [d, { rate: smoothedSuccessRate(w, s), routeRate: null, kept: null }]));
  if (seen.length < 2) return out;
  const okSum = seen.reduce((a, [, w]) => a + w.ok, 0);
  const nSum = seen.reduce((a, [, w]) => a + weighted(w), 0);
  const pBar = okSum / nSum;
  const sampling = seen.map(([, w]) => (pBar * (1 - pBar)) / weighted(w));
  const spread = seen.reduce((a, [, w]) => a + (w.ok / weighted(w) - pBar) ** 2, 0) / (seen.length - 1);
  const tau2 = Math.max(0, spread - sampling.reduce((a, b) => a + b, 0) / seen.length);
  for (const [i, [d, w]] of seen.entries()) {
    // All successes or all failures: no sampling noise to shrink away.
    const kept = sampling[i]! === 0 ? 1 : tau2 / (tau2 + sampling[i]!);
    out.set(d, { rate: pBar + kept * (w.ok / weighted(w) - pBar), routeRate: pBar, kept });
  }
  return out;
}
