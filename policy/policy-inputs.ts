import type { GoodputSlo } from './goodput.ts';

/** p50/p95/p99 in ms; null when the window has no samples. */
export interface Quantiles {
  p50: number;
  p95: number;
  p99: number;
}

/** What one time window says about one deployment of one route (from the per-minute rollup). */
export interface WindowStats {
  /** Length the numbers cover, s. */
  windowS: number;
  ok: number;
  /** 5xx, timeouts, network errors and our key being refused: the deployment's fault. */
  serverErrors: number;
  rateLimited: number;
  /** Invalid requests and context overflows: the caller's fault, excluded from Reliability. */
  clientErrors: number;
  /** Refusals by the provider's content filter that failed the attempt (a Trust signal). */
  contentFiltered: number;
  /** Answers served although the provider cut them for content (finish_reason content_filter; counted in `ok`): a Trust signal too. */
  servedContentFiltered: number;
  /** Attempt latency of ok attempts, ms (live windows only: CRAFT does not read the hour's latency, so it is not merged). */
  latencyMs: Quantiles | null;
  /** Billed USD of every attempt in the window (failed ones included). Float: a score input, never a bill. */
  costUsd: number;
  /** Tokens (every bucket) billed in the window. */
  tokens: number;
  /** Served answers with a contract (JSON mode, schema, tools) and those that kept it (collector/parity); a Trust signal. */
  parity?: { checked: number; ok: number };
}

/** Evidence for one deployment: the policy window, the last 5 minutes, the last hour and per-minute health over the hour. */
export interface DeploymentEvidence {
  route: string;
  deployment: string;
  window: WindowStats;
  recent: WindowStats;
  /** The availability look-back (1 hour): what the CRAFT scores read. */
  hour: WindowStats;
  /**
   * Per-minute health over the availability look-back, and the seconds of it during which a
   * collector had the deployment's circuit open or half-open (union across collectors; 0 when
   * none reported one).
   */
  minutes: { windowS: number; observed: number; healthy: number; circuitOpenS?: number };
}

export const factorNames = ['cost', 'reliability', 'availability', 'flexibility', 'trust'] as const;
export type FactorName = (typeof factorNames)[number];
export type FactorWeights = Record<FactorName, number>;

/** What the routes file says about one deployment, reduced to what the policy scores. */
export interface DeploymentProfile {
  deployment: string;
  provider: string;
  model: string;
  /** Relative share from the routes file. */
  configuredWeight: number;
  /** List (input + output) USD per million tokens at base tier, from the catalog or override. */
  listUsdPerMtok: number;
  capabilities: { tools: boolean; vision: boolean; jsonMode: boolean; streaming: boolean; contextWindow: number | null };
  region: string;
  trust: { dataUsage: 'no_training' | 'unknown' | 'may_train'; compliance: readonly string[]; residencyGuaranteed: boolean };
}

/** One route's configuration as the policy sees it. */
export interface RouteProfile {
  route: string;
  factorWeights: FactorWeights;
  /** Goodput SLO from the routes file; null when the route has none. */
  slo: GoodputSlo | null;
  deployments: readonly DeploymentProfile[];
}

/** An empty window: what a deployment without traffic looks like. */
export function emptyWindow(windowS: number): WindowStats {
  return {
    windowS,
    ok: 0,
    serverErrors: 0,
    rateLimited: 0,
    clientErrors: 0,
    contentFiltered: 0,
    servedContentFiltered: 0,
    latencyMs: null,
    costUsd: 0,
    tokens: 0,
  };
}
