import { parityTrustFactor } from '../collector/parity/parity-rates-query.ts';
import type { PolicySettings } from './policy-settings.ts';
import {
  emptyWindow,
  factorNames,
  type DeploymentEvidence,
  type DeploymentProfile,
  type FactorName,
  type RouteProfile,
  type WindowStats,
} from './policy-inputs.ts';
import { clamp01, confidence, countedAttempts, round4, successScore } from './evidence-smoothing.ts';
import { pooledSuccessRates, type PooledRate } from './route-pooling.ts';

/** One number behind a score, with its unit. */
export interface EvidenceItem {
  name: string;
  value: number | null;
  unit: string;
}

/** A factor on its documented [0, 1] scale (1 best), with the evidence and window behind it. */
export interface FactorScore {
  score: number;
  /** Window the evidence covers, s; 0 for factors read from configuration. */
  windowS: number;
  evidence: EvidenceItem[];
}

/** CRAFT scores of one deployment within its route. Scales and formulas: docs/policy.md. */
export interface CraftScore {
  route: string;
  deployment: string;
  factors: Record<FactorName, FactorScore>;
  /** Σ factor weight × score / Σ factor weights, with the route's factor weights. */
  composite: number;
}

const ev = (name: string, value: number | null, unit: string): EvidenceItem => ({ name, value: value === null ? null : round4(value), unit });

/** Scores every configured deployment of a route; deployments without evidence get neutral priors. */
export function scoreRoute(route: RouteProfile, evidence: ReadonlyMap<string, DeploymentEvidence>, s: PolicySettings): CraftScore[] {
  // CRAFT is a quality score: it reads the hour, where a few minutes of noise average out; live health reads now.
  const recentOf = (d: DeploymentProfile): WindowStats => evidence.get(d.deployment)?.hour ?? emptyWindow(s.availabilityWindowMs / 1000);
  const pooled = pooledSuccessRates(new Map(route.deployments.map((d) => [d.deployment, recentOf(d)])), s);
  const prices = route.deployments.map((d) => effectivePrice(d, recentOf(d), pooled.get(d.deployment)!, s));
  const cheapest = Math.min(...prices.map((p) => p.effective));
  const widestContext = Math.max(0, ...route.deployments.map((d) => d.capabilities.contextWindow ?? 0));
  return route.deployments.map((d, i) => {
    const recent = recentOf(d);
    const factors: Record<FactorName, FactorScore> = {
      cost: costScore(prices[i]!, cheapest, recent.windowS),
      reliability: reliabilityScore(recent, pooled.get(d.deployment)!, s),
      availability: availabilityScore(evidence.get(d.deployment)?.minutes ?? { windowS: s.availabilityWindowMs / 1000, observed: 0, healthy: 0 }, s),
      flexibility: flexibilityScore(d, widestContext),
      trust: trustScore(d, recent, s),
    };
    return { route: route.route, deployment: d.deployment, factors, composite: composite(factors, route.factorWeights) };
  });
}

/** Weighted arithmetic mean of the factor scores. */
export function composite(factors: Record<FactorName, FactorScore>, weights: Record<FactorName, number>): number {
  const total = factorNames.reduce((sum, f) => sum + weights[f], 0);
  if (total <= 0) return 1;
  return round4(factorNames.reduce((sum, f) => sum + weights[f] * factors[f].score, 0) / total);
}

interface Price {
  effective: number;
  observed: number | null;
  list: number;
  attemptsPerSuccess: number;
  tokens: number;
}

/**
 * Effective USD per 1M tokens: the observed billed price (blended with the list price by token
 * count, so thin evidence falls back to the list), times attempts per success — what retries and
 * failed attempts add to every token that was actually delivered. Successes are counted at the
 * route-pooled rate, the same one Reliability reads.
 */
function effectivePrice(d: DeploymentProfile, recent: WindowStats, pooled: PooledRate, s: PolicySettings): Price {
  const observed = recent.tokens > 0 ? (recent.costUsd / recent.tokens) * 1e6 : null;
  const w = recent.tokens / (recent.tokens + s.priorTokens);
  const base = observed === null ? d.listUsdPerMtok : w * observed + (1 - w) * d.listUsdPerMtok;
  // The prior adds n₀ successes: no evidence means no retry overhead (neutral), not a guess at one.
  const n = recent.ok + recent.serverErrors + s.rateLimitedFailureWeight * recent.rateLimited;
  const ok = pooled.routeRate === null || n === 0 ? recent.ok : pooled.rate * n;
  const attemptsPerSuccess = (countedAttempts(recent) + s.priorAttempts) / (ok + s.priorAttempts);
  return { effective: base * attemptsPerSuccess, observed, list: d.listUsdPerMtok, attemptsPerSuccess, tokens: recent.tokens };
}

/** A cent per million tokens: keeps free (self-hosted) deployments from dividing by zero. */
const PRICE_EPSILON = 0.01;

function costScore(p: Price, cheapest: number, windowS: number): FactorScore {
  return {
    score: round4((cheapest + PRICE_EPSILON) / (p.effective + PRICE_EPSILON)),
    windowS,
    evidence: [
      ev('effective_usd_per_mtok', p.effective, 'USD/1M tokens'),
      ev('cheapest_in_route_usd_per_mtok', cheapest, 'USD/1M tokens'),
      ev('observed_usd_per_mtok', p.observed, 'USD/1M tokens'),
      ev('list_usd_per_mtok', p.list, 'USD/1M tokens'),
      ev('attempts_per_success', p.attemptsPerSuccess, 'attempts'),
      ev('tokens', p.tokens, 'tokens'),
    ],
  };
}

function reliabilityScore(recent: WindowStats, pooled: PooledRate, s: PolicySettings): FactorScore {
  const rate = pooled.rate;
  return {
    score: round4(successScore(rate, s)),
    windowS: recent.windowS,
    evidence: [
      ev('ok', recent.ok, 'attempts'),
      ev('server_errors', recent.serverErrors, 'attempts'),
      ev('rate_limited', recent.rateLimited, 'attempts'),
      ev('client_errors_excluded', recent.clientErrors, 'attempts'),
      ev('smoothed_success_rate', rate, 'ratio'),
      ev('route_pooled_success_rate', pooled.routeRate, 'ratio'),
      ev('own_deviation_kept', pooled.kept, 'ratio'),
      ev('confidence', confidence(countedAttempts(recent), s), 'ratio'),
    ],
  };
}

/**
 * Smoothed share of healthy minutes × share of the look-back with no collector's circuit open: a
 * deployment whose circuit was open a quarter of the hour loses a quarter, even though it made
 * few attempts (and so few unhealthy minutes) while it was out of rotation.
 */
function availabilityScore(m: DeploymentEvidence['minutes'], s: PolicySettings): FactorScore {
  const share = (m.healthy + s.priorMinutes) / (m.observed + s.priorMinutes);
  const openS = Math.min(m.circuitOpenS ?? 0, m.windowS);
  const closedShare = m.windowS > 0 ? 1 - openS / m.windowS : 1;
  return {
    score: round4(share * closedShare),
    windowS: m.windowS,
    evidence: [
      ev('healthy_minutes', m.healthy, 'minutes'),
      ev('observed_minutes', m.observed, 'minutes'),
      ev('smoothed_healthy_share', share, 'ratio'),
      ev('circuit_open_seconds', openS, 's'),
      ev('circuit_closed_share', closedShare, 'ratio'),
    ],
  };
}

function flexibilityScore(d: DeploymentProfile, widestContext: number): FactorScore {
  const c = d.capabilities;
  // Unset context windows are unchecked: unknown counts half when others declare theirs.
  const context = widestContext === 0 ? 1 : c.contextWindow === null ? 0.5 : c.contextWindow / widestContext;
  const items: Array<[string, number]> = [
    ['tools', Number(c.tools)],
    ['vision', Number(c.vision)],
    ['json_mode', Number(c.jsonMode)],
    ['streaming', Number(c.streaming)],
    ['context_window_vs_widest', context],
    ['region_declared', Number(d.region !== '')],
  ];
  return { score: round4(items.reduce((sum, [, v]) => sum + v, 0) / items.length), windowS: 0, evidence: items.map(([n, v]) => ev(n, v, 'coverage')) };
}

const dataUsageScore = { no_training: 1, unknown: 0.5, may_train: 0 } as const;

function trustScore(d: DeploymentProfile, recent: WindowStats, s: PolicySettings): FactorScore {
  const terms = (dataUsageScore[d.trust.dataUsage] + Math.min(1, d.trust.compliance.length / 2) + Number(d.trust.residencyGuaranteed)) / 3;
  // Served answers cut for content are already in `ok` (so in the answered count); failed refusals are not.
  const answered = countedAttempts(recent) + recent.clientErrors + recent.contentFiltered;
  const filteredShare = (recent.contentFiltered + recent.servedContentFiltered) / (answered + s.priorAttempts);
  const anomaly = clamp01(1 - s.contentFilterPenalty * filteredShare);
  // Answers that break their contract (invalid JSON, schema or tool arguments) break callers' code: a Trust anomaly too.
  const parity = parityTrustFactor(recent.parity);
  return {
    score: round4(terms * anomaly * parity),
    windowS: recent.windowS,
    evidence: [
      ev('data_usage_terms', dataUsageScore[d.trust.dataUsage], 'score'),
      ev('compliance_attestations', d.trust.compliance.length, 'count'),
      ev('residency_guaranteed', Number(d.trust.residencyGuaranteed), 'bool'),
      ev('content_filtered', recent.contentFiltered, 'attempts'),
      ev('content_filtered_served', recent.servedContentFiltered, 'attempts'),
      ev('anomaly_factor', anomaly, 'ratio'),
      ev('parity_checked', recent.parity?.checked ?? 0, 'answers'),
      ev('parity_factor', parity, 'ratio'),
    ],
  };
}
