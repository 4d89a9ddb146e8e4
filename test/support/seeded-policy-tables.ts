import type { ClickHouseClient } from '../../core/clickhouse/client.ts';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

/**
 * Three policy evaluations of route `chat` ending one hour before `nowMs` (openai-primary
 * recovering from rate limits to healthy, anthropic-backup healthy) with a goodput SLO, and a
 * canary override on anthropic-backup — rows as the policy service writes them.
 */
export async function seedRoutingDecisions(client: ClickHouseClient, nowMs: number): Promise<void> {
  const decision = (ms: number, deployment: string, weight: number, reason: string) => ({
    computed_at: at(ms),
    route: 'chat',
    deployment,
    weight,
    share: weight / 1.5,
    reason,
    detail: `${deployment} is ${reason}`,
    composite: weight * 0.9,
    cost: 0.5,
    reliability: weight,
    availability: 1,
    flexibility: 1,
    trust: 1,
    health: weight,
    reliability_health: weight,
    latency_health: 1,
    confidence: 0.8,
    target: weight,
    attempts: 40,
    success_rate: 0.95,
    rate_limited_share: 1 - weight,
    p95_ms: 800,
    window_s: 30,
    craft_evidence: '{}',
    override_action: '',
    override: '',
    slo_latency_ms: 10_000,
    slo_ttft_ms: 1_000,
  });
  await client.insert({
    table: 'routing_decisions_v1',
    format: 'JSONEachRow',
    values: [0.2, 0.6, 1].flatMap((w, i) => [
      decision(nowMs - (3 - i) * HOUR, 'openai-primary', w, w < 1 ? 'rate_limited' : 'healthy'),
      decision(nowMs - (3 - i) * HOUR, 'anthropic-backup', 1 - w / 2, 'healthy'),
    ]),
  });
  await client.insert({
    table: 'routing_overrides_v1',
    format: 'JSONEachRow',
    values: [
      {
        override_id: '0190a5c2-7e3b-7c1e-9a51-1c2d3e4f5a6b',
        updated_at: at(nowMs - 2 * HOUR),
        route: 'chat',
        deployment: 'anthropic-backup',
        action: 'canary',
        share: 0.1,
        actor: 'ops',
        reason: 'new model canary',
        created_at: at(nowMs - 2 * HOUR),
        expires_at: at(nowMs + HOUR),
        revoked_at: null,
      },
    ],
  });
}

/**
 * Two alerts — spend on team search still firing, 429s on openai fired then resolved — and their
 * deliveries (a 429 then success) and one dead letter, as the alert service writes them.
 */
export async function seedAlerts(client: ClickHouseClient, nowMs: number): Promise<void> {
  const event = (ms: number, fingerprint: string, rule: string, state: string, ratio: number, labels: Record<string, string>) => ({
    evaluated_at: at(ms),
    fingerprint,
    rule,
    severity: rule === 'spend_spike' ? 'critical' : 'warning',
    group_labels: labels,
    state,
    since: at(ms),
    active_since: state === 'ok' ? null : at(ms),
    has_evidence: true,
    value: ratio * 10,
    threshold: 10,
    baseline: 4,
    spread: 1.2,
    peer_fence: null,
    ratio,
    volume: 500,
    series: [3, 4, 5],
  });
  await client.insert({
    table: 'alert_events_v1',
    format: 'JSONEachRow',
    values: [
      event(nowMs - 3 * HOUR, 'fp-spend', 'spend_spike', 'pending', 1.1, { team: 'search' }),
      event(nowMs - 3 * HOUR + 60_000, 'fp-spend', 'spend_spike', 'firing', 2.5, { team: 'search' }),
      event(nowMs - 2 * HOUR, 'fp-429', 'rate_limit_spike', 'firing', 1.4, { provider: 'openai' }),
      event(nowMs - HOUR, 'fp-429', 'rate_limit_spike', 'ok', 0.5, { provider: 'openai' }),
    ],
  });
  const tried = (ms: number, outcome: string, status: number | null, tryNo: number) => ({
    tried_at: at(ms),
    idempotency_key: 'k1',
    receiver: 'slack-oncall',
    receiver_type: 'slack',
    endpoint_id: 'a1b2c3d4e5f6',
    group_key: 'team=search',
    try_no: tryNo,
    outcome,
    http_status: status,
    latency_ms: 120 * tryNo,
    detail: outcome === 'delivered' ? 'ok' : 'rate limited',
  });
  await client.insert({
    table: 'alert_deliveries_v1',
    format: 'JSONEachRow',
    values: [tried(nowMs - 3 * HOUR, 'rate_limited', 429, 1), tried(nowMs - 3 * HOUR + 2_000, 'delivered', 200, 2)],
  });
  await client.insert({
    table: 'alert_dead_letters_v1',
    format: 'JSONEachRow',
    values: [
      {
        idempotency_key: 'k2',
        dead_at: at(nowMs - 2 * HOUR),
        receiver: 'webhook-finance',
        group_key: 'provider=openai',
        reason: 'rejected: 400',
        tries: 1,
        notification: '{}',
        resent_at: null,
        resend_outcome: '',
        version: 1,
      },
    ],
  });
}

/** Budget `search-monthly` (team search, $50 a month) evaluated each hour of the last three, forecast rising past the limit. */
export async function seedBudgetStatus(client: ClickHouseClient, nowMs: number): Promise<void> {
  const evaluated = (hoursAgo: number, spent: string, forecast: string, status: string) => ({
    evaluated_at: at(nowMs - hoursAgo * HOUR).slice(0, 19),
    budget_id: 'search-monthly',
    subject: 'search',
    scope: 'team',
    period: 'month',
    period_start: '2026-11-01 00:00:00',
    period_end: '2026-12-01 00:00:00',
    limit_usd: '50',
    spent_usd: spent,
    reserved_usd: '0.5',
    leased_usd: '1',
    remaining_usd: (50 - Number(spent)).toFixed(9),
    burn_usd_per_hour: '0.2',
    forecast_usd: forecast,
    status,
  });
  await client.insert({
    table: 'budget_status_v1',
    format: 'JSONEachRow',
    values: [evaluated(3, '30', '45', 'ok'), evaluated(2, '35', '49', 'warning'), evaluated(1, '38', '56', 'forecast_exceeded')],
  });
}
