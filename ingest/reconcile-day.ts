import type { ClickHouseClient } from '../core/clickhouse/client.ts';

export interface Totals {
  attempts: number;
  requests: number;
  /** Exact decimal USD, 12 decimals. */
  costUsd: string;
}

export interface Reconciliation {
  day: string;
  raw: Totals;
  rollups: Record<string, Totals>;
  /** Every rollup agrees with the distinct raw attempts. */
  ok: boolean;
}

const ROLLUPS = {
  attempts_per_minute_by_deployment_v1: { dayFilter: 'toDate(minute) = {day:Date}', requests: null },
  usage_per_minute_by_team_v1: { dayFilter: 'toDate(minute) = {day:Date}', requests: 'requests' },
  chargeback_per_day_v1: { dayFilter: 'day = {day:Date}', requests: 'requests' },
} as const;

/**
 * Proves a closed UTC day: distinct raw attempts (deduplicated on attempt_id) against every
 * rollup's attempts, requests and cost. A replayed batch that slipped past deduplication shows up
 * here as a rollup larger than raw.
 */
export async function reconcileDay(client: ClickHouseClient, day: string): Promise<Reconciliation> {
  const raw = await totals(
    client,
    `SELECT count() AS attempts, countIf(is_final) AS requests, toString(toDecimal128(sum(cost_usd), 12)) AS cost
     FROM (SELECT argMax(is_final, ingested_at) AS is_final, argMax(cost_usd, ingested_at) AS cost_usd
           FROM attempts WHERE toDate(started_at) = {day:Date} GROUP BY attempt_id)`,
    day,
  );
  const rollups: Record<string, Totals> = {};
  for (const [table, spec] of Object.entries(ROLLUPS)) {
    const requests = spec.requests ? `sum(${spec.requests})` : 'toUInt64(0)';
    rollups[table] = await totals(client, `SELECT sum(attempts) AS attempts, ${requests} AS requests, toString(toDecimal128(sum(cost_usd), 12)) AS cost FROM ${table} WHERE ${spec.dayFilter}`, day);
  }
  const ok = Object.entries(rollups).every(
    ([table, t]) => t.attempts === raw.attempts && t.costUsd === raw.costUsd && (ROLLUPS[table as keyof typeof ROLLUPS].requests === null || t.requests === raw.requests),
  );
  return { day, raw, rollups, ok };
}

async function totals(client: ClickHouseClient, query: string, day: string): Promise<Totals> {
  const result = await client.query({ query, query_params: { day }, format: 'JSONEachRow' });
  const row = (await result.json<{ attempts: string; requests: string; cost: string }>())[0];
  return { attempts: Number(row?.attempts ?? 0), requests: Number(row?.requests ?? 0), costUsd: fixed12(row?.cost ?? '0') };
}

/** ClickHouse trims trailing zeros of decimals; compare and report with all 12. */
function fixed12(value: string): string {
  const [whole, fraction = ''] = value.split('.');
  return `${whole}.${fraction.padEnd(12, '0')}`;
}
