import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { CraftScore } from './craft-scores.ts';
import type { RouteProfile } from './policy-inputs.ts';
import { routingDecisionSchema, type RoutingDecision } from './routing-decision-contract.ts';
import { chTime, fromChTime, type RowReader } from './row-reader.ts';

/**
 * Stores one evaluation in `routing_decisions_v1`: decisions, CRAFT scores and their evidence, each
 * route's goodput SLO. Every reader (Routing board, console, API, alerts) reads it; the legacy
 * `routing_weights` table (migration 0003) is history only and no longer written.
 */
export async function writeDecisions(
  client: ClickHouseClient,
  decisions: readonly RoutingDecision[],
  scores: readonly CraftScore[],
  routes: readonly RouteProfile[],
): Promise<void> {
  const slo = new Map(routes.map((r) => [r.route, r.slo]));
  if (decisions.length === 0) return;
  const craft = new Map(scores.map((c) => [`${c.route}\u0000${c.deployment}`, c]));
  const rows = decisions.map((d) => ({
    computed_at: chTime(Date.parse(d.computedAt)),
    route: d.route,
    deployment: d.deployment,
    weight: d.weight,
    share: d.share,
    reason: d.reason,
    detail: d.detail,
    composite: d.factors.composite,
    cost: d.factors.cost,
    reliability: d.factors.reliability,
    availability: d.factors.availability,
    flexibility: d.factors.flexibility,
    trust: d.factors.trust,
    health: d.factors.health,
    reliability_health: d.factors.reliabilityHealth,
    latency_health: d.factors.latencyHealth,
    confidence: d.factors.confidence,
    target: d.factors.target,
    attempts: d.evidence.attempts,
    success_rate: d.evidence.successRate,
    rate_limited_share: d.evidence.rateLimitedShare,
    p95_ms: d.evidence.p95Ms,
    window_s: Math.round(d.evidence.windowS),
    craft_evidence: JSON.stringify(craft.get(`${d.route}\u0000${d.deployment}`)?.factors ?? {}),
    override_action: d.override?.action ?? '',
    override: d.override ? JSON.stringify(d.override) : '',
    slo_latency_ms: slo.get(d.route)?.latencyMs ?? null,
    slo_ttft_ms: slo.get(d.route)?.ttftMs ?? null,
  }));
  await client.insert({ table: 'routing_decisions_v1', format: 'JSONEachRow', values: rows });
}

/** A stored decision row as read back, with the CRAFT evidence JSON. */
export interface StoredDecision {
  decision: RoutingDecision;
  /** Per factor: {score, windowS, evidence: [{name, value, unit}]}. */
  craftEvidence: Record<string, { score: number; windowS: number; evidence: Array<{ name: string; value: number | null; unit: string }> }>;
}

type DecisionRow = Record<string, string | number | null>;

const COLUMNS = `route, deployment, weight, share, reason, detail, composite, cost, reliability, availability, flexibility, trust,
  health, reliability_health, latency_health, confidence, target, attempts, success_rate, rate_limited_share, p95_ms, window_s,
  craft_evidence, override, toString(computed_at) AS computed_at_text`;

/**
 * The latest evaluation of each route (optionally only `routes`) within `lookbackMs` before
 * `nowMs`: each route's rows with its newest computed_at, so deployments no longer configured are
 * absent.
 */
export async function latestDecisions(rows: RowReader, nowMs: number, lookbackMs: number, routes?: readonly string[]): Promise<StoredDecision[]> {
  const found = await rows<DecisionRow>(
    `SELECT ${COLUMNS} FROM routing_decisions_v1
     WHERE computed_at >= {from:DateTime64(3, 'UTC')} AND computed_at <= {to:DateTime64(3, 'UTC')}
       AND (length({routes:Array(String)}) = 0 OR has({routes:Array(String)}, route))
       AND (route, computed_at) IN (
         SELECT route, max(computed_at) FROM routing_decisions_v1
         WHERE computed_at >= {from:DateTime64(3, 'UTC')} AND computed_at <= {to:DateTime64(3, 'UTC')}
         GROUP BY route)
     ORDER BY route, deployment`,
    { from: chTime(nowMs - lookbackMs), to: chTime(nowMs), routes: routes ? [...routes] : [] },
  );
  return found.map(toStored);
}

function toStored(r: DecisionRow): StoredDecision {
  const n = (k: string) => Number(r[k]);
  const decision = routingDecisionSchema.parse({
    route: r.route,
    deployment: r.deployment,
    weight: n('weight'),
    share: n('share'),
    reason: r.reason,
    detail: r.detail,
    factors: {
      composite: n('composite'),
      cost: n('cost'),
      reliability: n('reliability'),
      availability: n('availability'),
      flexibility: n('flexibility'),
      trust: n('trust'),
      health: n('health'),
      reliabilityHealth: n('reliability_health'),
      latencyHealth: n('latency_health'),
      confidence: n('confidence'),
      target: n('target'),
    },
    evidence: {
      attempts: n('attempts'),
      successRate: n('success_rate'),
      rateLimitedShare: n('rate_limited_share'),
      p95Ms: r.p95_ms === null ? null : n('p95_ms'),
      windowS: n('window_s'),
    },
    override: r.override ? JSON.parse(String(r.override)) : null,
    computedAt: new Date(fromChTime(String(r.computed_at_text))).toISOString(),
  });
  return { decision, craftEvidence: JSON.parse(String(r.craft_evidence || '{}')) as StoredDecision['craftEvidence'] };
}
