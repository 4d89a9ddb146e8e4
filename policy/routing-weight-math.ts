/** What the window says about one deployment of one route. */
export interface DeploymentWindowStats {
  route: string;
  deployment: string;
  /** Attempts that reached a verdict in the window (cancelled and rejected excluded). */
  attempts: number;
  ok: number;
  /** p95 attempt latency in ms; null without samples. */
  p95Ms: number | null;
}

export interface WeightPolicy {
  /** Below this many attempts the window says too little: the deployment gets a probe share. */
  minSamples: number;
  /** Share for deployments without evidence, so a recovered one is rediscovered. */
  probeWeight: number;
  /** At or below this success rate the weight is 0. */
  failingSuccessRate: number;
  /** At or above this success rate reliability counts in full. */
  healthySuccessRate: number;
  /** The slowest a deployment may be scaled down to for latency alone. */
  minLatencyFactor: number;
  /** Added to both p95s before comparing, ms, so a few milliseconds of noise move no traffic. */
  latencySlackMs: number;
}

export const defaultWeightPolicy: WeightPolicy = {
  minSamples: 5,
  probeWeight: 0.1,
  failingSuccessRate: 0.5,
  healthySuccessRate: 0.95,
  minLatencyFactor: 0.25,
  latencySlackMs: 50,
};

export interface RoutingWeight {
  route: string;
  deployment: string;
  weight: number;
  successRate: number | null;
  p95Ms: number | null;
  attempts: number;
  reason: 'healthy' | 'degraded' | 'failing' | 'probe';
}

/**
 * Weights from window stats: reliability ramps linearly from 0 at `failingSuccessRate` to 1 at
 * `healthySuccessRate`; latency scales by (fastest p95 in the route + slack) / (own p95 + slack),
 * floored. A
 * deployment failing most attempts therefore drops to 0 within one window and, once its failures
 * age out of the window, returns as a probe and then to full weight when its probes succeed.
 */
export function computeRoutingWeights(stats: readonly DeploymentWindowStats[], policy: WeightPolicy = defaultWeightPolicy): RoutingWeight[] {
  const fastestP95 = new Map<string, number>();
  for (const s of stats) {
    if (s.attempts < policy.minSamples || s.p95Ms === null || s.ok / s.attempts <= policy.failingSuccessRate) continue;
    fastestP95.set(s.route, Math.min(fastestP95.get(s.route) ?? Infinity, s.p95Ms));
  }
  return stats.map((s) => {
    const base = { route: s.route, deployment: s.deployment, p95Ms: s.p95Ms, attempts: s.attempts };
    if (s.attempts < policy.minSamples) {
      return { ...base, successRate: s.attempts > 0 ? s.ok / s.attempts : null, weight: policy.probeWeight, reason: 'probe' as const };
    }
    const successRate = s.ok / s.attempts;
    const span = policy.healthySuccessRate - policy.failingSuccessRate;
    const reliability = clamp((successRate - policy.failingSuccessRate) / span, 0, 1);
    const fastest = fastestP95.get(s.route);
    const latencyFactor = fastest !== undefined && s.p95Ms !== null ? clamp((fastest + policy.latencySlackMs) / (s.p95Ms + policy.latencySlackMs), policy.minLatencyFactor, 1) : 1;
    const weight = round4(reliability * latencyFactor);
    const reason = weight === 0 ? 'failing' : weight >= 0.95 ? 'healthy' : 'degraded';
    return { ...base, successRate, weight, reason };
  });
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
