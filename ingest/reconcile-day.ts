import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { formatScaled, toScaled } from '../core/money/decimal-usd.ts';

/** One UTC day's totals: counts as numbers, money as exact 12-decimal USD strings. */
export interface Totals {
  attempts: number;
  requests: number;
  requestsServed: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: string;
  inputCostUsd: string;
  cachedInputCostUsd: string;
  cacheWriteCostUsd: string;
  outputCostUsd: string;
  reasoningCostUsd: string;
  /** Cost of rows stored without a per-bucket breakdown (events from before it). */
  unallocatedCostUsd: string;
  listCostUsd: string;
}
export type Measure = keyof Totals;

/** Each measure: its rollup column, and how to compute it from distinct raw attempts. */
const MEASURES: Record<Measure, { column: string; raw: string }> = {
  attempts: { column: 'attempts', raw: 'count()' },
  requests: { column: 'requests', raw: 'countIf(is_final)' },
  requestsServed: { column: 'requests_served', raw: "countIf(is_final AND status = 'ok')" },
  inputTokens: { column: 'input_tokens', raw: 'sum(input_tokens)' },
  cachedInputTokens: { column: 'cached_input_tokens', raw: 'sum(cached_input_tokens)' },
  cacheWriteTokens: { column: 'cache_write_tokens', raw: 'sum(cache_write_tokens)' },
  outputTokens: { column: 'output_tokens', raw: 'sum(output_tokens)' },
  reasoningTokens: { column: 'reasoning_tokens', raw: 'sum(reasoning_tokens)' },
  costUsd: { column: 'cost_usd', raw: 'sum(toDecimal128(cost_usd, 12))' },
  inputCostUsd: { column: 'input_cost_usd', raw: 'sum(toDecimal128(input_cost_usd, 12))' },
  cachedInputCostUsd: { column: 'cached_input_cost_usd', raw: 'sum(toDecimal128(cached_input_cost_usd, 12))' },
  cacheWriteCostUsd: { column: 'cache_write_cost_usd', raw: 'sum(toDecimal128(cache_write_cost_usd, 12))' },
  outputCostUsd: { column: 'output_cost_usd', raw: 'sum(toDecimal128(output_cost_usd, 12))' },
  reasoningCostUsd: { column: 'reasoning_cost_usd', raw: 'sum(toDecimal128(reasoning_cost_usd, 12))' },
  unallocatedCostUsd: {
    column: 'unallocated_cost_usd',
    raw: 'sum(toDecimal128(cost_usd, 12) - toDecimal128(input_cost_usd + cached_input_cost_usd + cache_write_cost_usd + output_cost_usd + reasoning_cost_usd, 12))',
  },
  listCostUsd: { column: 'list_cost_usd', raw: 'sum(toDecimal128(list_cost_usd, 12))' },
};
const ALL = Object.keys(MEASURES) as Measure[];
const COUNTS: Measure[] = ['attempts', 'requests', 'requestsServed', 'inputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'outputTokens', 'reasoningTokens'];

/** A rollup to prove: its table, how to pick one day from it, and the measures it tracks. */
export interface RollupSpec {
  table: string;
  dayFilter: string;
  measures: readonly Measure[];
}

/** Every v2 rollup (docs/schema.md). The v1 tables are history only and are no longer fed. */
export const V2_ROLLUPS: readonly RollupSpec[] = [
  { table: 'attempts_per_minute_by_deployment_v2', dayFilter: 'toDate(minute) = {day:Date}', measures: [...COUNTS, 'costUsd'] },
  { table: 'chargeback_per_hour_v2', dayFilter: 'toDate(hour) = {day:Date}', measures: ALL },
  { table: 'chargeback_per_day_v2', dayFilter: 'day = {day:Date}', measures: ALL },
];

/** One rollup against raw: the totals it tracks, and which columns were and were not compared. */
export type RollupReconciliation = Partial<Totals> & {
  /** Rollup columns compared with distinct raw attempts. */
  checked: string[];
  /** Raw totals this rollup has no column for: it says nothing about them, so they are not `ok`. */
  unchecked: string[];
  /** `column: raw X, rollup Y` for every difference. */
  mismatches: string[];
  ok: boolean;
};

export interface Reconciliation {
  day: string;
  raw: Totals;
  rollups: Record<string, RollupReconciliation>;
  /** `table.column: raw X, rollup Y` across every rollup. */
  mismatches: string[];
  /** Every rollup agrees with the distinct raw attempts on every column it tracks. */
  ok: boolean;
}

/**
 * Proves a closed UTC day: distinct raw attempts (one row per attempt_id, the latest stored)
 * against every rollup's attempts, requests, served requests, token buckets, cost, cost by bucket
 * and list cost. A replayed batch that slipped past deduplication, or a tampered rollup, shows up
 * as a named column that differs from raw.
 */
export async function reconcileDay(client: ClickHouseClient, day: string, rollups: readonly RollupSpec[] = V2_ROLLUPS): Promise<Reconciliation> {
  const raw = (await totals(
    client,
    ALL,
    (m) => MEASURES[m].raw,
    `(SELECT * FROM attempts WHERE toDate(started_at) = {day:Date} ORDER BY ingested_at DESC LIMIT 1 BY attempt_id)`,
    day,
  )) as Totals;
  const report: Reconciliation = { day, raw, rollups: {}, mismatches: [], ok: true };
  for (const spec of rollups) {
    const got = await totals(client, spec.measures, (m) => `sum(${MEASURES[m].column})`, `${spec.table} WHERE ${spec.dayFilter}`, day);
    const mismatches = spec.measures.filter((m) => got[m] !== raw[m]).map((m) => `${MEASURES[m].column}: raw ${raw[m]}, rollup ${got[m]}`);
    report.rollups[spec.table] = {
      ...got,
      checked: spec.measures.map((m) => MEASURES[m].column),
      unchecked: ALL.filter((m) => !spec.measures.includes(m)).map((m) => MEASURES[m].column),
      mismatches,
      ok: mismatches.length === 0,
    };
    report.mismatches.push(...mismatches.map((m) => `${spec.table}.${m}`));
  }
  report.ok = report.mismatches.length === 0;
  return report;
}

async function totals(
  client: ClickHouseClient,
  measures: readonly Measure[],
  expr: (m: Measure) => string,
  from: string,
  day: string,
): Promise<Partial<Totals>> {
  const select = measures.map((m) => `toString(${expr(m)}) AS ${m}`).join(', ');
  const result = await client.query({ query: `SELECT ${select} FROM ${from}`, query_params: { day }, format: 'JSONEachRow' });
  const row = (await result.json<Record<string, string>>())[0] ?? {};
  const out: Partial<Record<Measure, number | string>> = {};
  for (const m of measures) out[m] = COUNTS.includes(m) ? Number(row[m] ?? 0) : fixed12(row[m] ?? '0');
  return out as Partial<Totals>;
}

/** ClickHouse trims trailing zeros of decimals; compare and report with all 12. */
function fixed12(value: string): string {
  const negative = value.startsWith('-');
  const text = formatScaled(toScaled(negative ? value.slice(1) : value, 12), 12);
  return negative ? `-${text}` : text;
}
