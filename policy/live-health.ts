import type { PolicySettings } from './policy-settings.ts';
import { emptyWindow, type DeploymentEvidence, type WindowStats } from './policy-inputs.ts';
import { confidence, countedAttempts, liveWindow, round4, smoothedSuccessRate, successScore, successUpperBound } from './evidence-smoothing.ts';

/** How a deployment is doing right now: health = reliability × latency, each in [0, 1]. */
export interface LiveHealth {
  health: number;
  reliability: number;
  latency: number;
  /** Smoothed success rate (Beta prior), 429s weighted: the estimate shown. */
  successRate: number;
  /** Wilson upper bound of the success rate (429s weighted): what reliability health is judged by. */
  successBound: number;
  /** Attempts with a verdict in the window read. */
  attempts: number;
  /** 429s / attempts in the window read. */
  rateLimitedShare: number;
  confidence: number;
  p95Ms: number | null;
  /** Window read, s: the policy window, or the 5-minute one when the policy window is thin. */
  windowS: number;
}

/**
 * Live health of each deployment of one route. Reliability health is the success ramp at the
 * Wilson upper bound of the success rate: thin evidence is neutral, not a penalty. Latency counts only beyond a tolerance band
 * around the route's fastest healthy p95 (× `latencyTolerance` + `latencySlackMs`), so a
 * deployment at 89 ms against 73 ms is not slower in any way that matters; past the band the
 * factor is band / (own p95 + slack), floored at `minLatencyFactor`.
 */
export function routeHealth(deployments: readonly string[], evidence: ReadonlyMap<string, DeploymentEvidence>, s: PolicySettings): Map<string, LiveHealth> {
  const windows = new Map<string, WindowStats>();
  for (const d of deployments) {
    const e = evidence.get(d);
    windows.set(d, e ? liveWindow(e.window, e.recent, s) : emptyWindow(s.rateLimitWindowMs / 1000));
  }
  const usableP95 = (w: WindowStats) => (w.ok >= s.minLatencySamples && w.latencyMs ? w.latencyMs.p95 : null);
  let fastest = Infinity;
  for (const w of windows.values()) {
    const p95 = usableP95(w);
    if (p95 !== null && successScore(successUpperBound(w, s), s) > 0) fastest = Math.min(fastest, p95);
  }
  const out = new Map<string, LiveHealth>();
  for (const [d, w] of windows) {
    const successRate = smoothedSuccessRate(w, s);
    const successBound = successUpperBound(w, s);
    const reliability = successScore(successBound, s);
    const p95 = usableP95(w);
    const band = fastest * s.latencyTolerance + s.latencySlackMs;
    const latency = p95 === null || !Number.isFinite(fastest) || p95 <= band ? 1 : Math.max(s.minLatencyFactor, band / (p95 + s.latencySlackMs));
    const attempts = countedAttempts(w);
    out.set(d, {
      health: round4(reliability * latency),
      reliability: round4(reliability),
      latency: round4(latency),
      successRate: round4(successRate),
      successBound: round4(successBound),
      attempts,
      rateLimitedShare: attempts > 0 ? round4(w.rateLimited / attempts) : 0,
      confidence: round4(confidence(attempts, s)),
      p95Ms: w.latencyMs?.p95 ?? null,
      windowS: w.windowS,
    });
  }
  return out;
}
