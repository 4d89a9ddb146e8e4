import { teamScopeSql } from '../../api/schema/team-scope.ts';
import type { TimeRange } from '../../api/schema/time-range.ts';
import { focusColumns } from './focus-columns.ts';

export type ChargePeriod = 'hour' | 'day';

/** The token buckets a FOCUS row can be: one SKU each (reasoning bills at the output rate). */
const buckets = [
  ['input', 'input_tokens', 'input_per_mtok', 'list_input_per_mtok', 'input_cost_usd'],
  ['cached_input', 'cached_input_tokens', 'cached_input_per_mtok', 'list_cached_input_per_mtok', 'cached_input_cost_usd'],
  ['cache_write', 'cache_write_tokens', 'cache_write_per_mtok', 'list_cache_write_per_mtok', 'cache_write_cost_usd'],
  ['output', 'output_tokens', 'output_per_mtok', 'list_output_per_mtok', 'output_cost_usd'],
  ['reasoning', 'reasoning_tokens', 'output_per_mtok', 'list_output_per_mtok', 'reasoning_cost_usd'],
] as const;

const KEYS = 'provider, model, deployment, region, team, project, feature, api_key_id, price_version';
const RATES =
  'input_per_mtok, cached_input_per_mtok, cache_write_per_mtok, output_per_mtok, list_input_per_mtok, list_cached_input_per_mtok, list_cache_write_per_mtok, list_output_per_mtok';

/**
 * The FOCUS dataset as one SELECT over a chargeback rollup: one row per charge period × SKU
 * (token bucket) × provider × model × deployment/region × team/project/feature/key × rates.
 * Charge periods are half-open UTC hours or days, read from the matching rollup. Every value is
 * a bound parameter; the caller appends FORMAT / SETTINGS.
 */
export function focusQuery(range: TimeRange, period: ChargePeriod, teams: 'all' | readonly string[]): { sql: string; params: Record<string, unknown> } {
  const scope = teamScopeSql(teams);
  const day = period === 'day';
  const table = day ? 'chargeback_per_day_v2' : 'chargeback_per_hour_v2';
  const start = day ? "toDateTime(day, 'UTC')" : 'hour';
  const where = day
    ? 'day >= toDate({from:String}) AND day < toDate({to:String})'
    : "hour >= parseDateTimeBestEffort({from:String}, 'UTC') AND hour < parseDateTimeBestEffort({to:String}, 'UTC')";
  const sums = buckets.map(([name, tokens, , , cost]) => `sum(${tokens}) AS t_${name}, sum(${cost}) AS c_${name}`).join(',\n        ');
  const tuples = [
    ...buckets.map(([name, , rate, list]) => `tuple('${name}', t_${name}, ${rate}, ${list}, c_${name})`),
    "tuple('unallocated', toUInt64(0), toDecimal32(0, 9), toDecimal32(0, 9), c_unallocated)",
  ];
  const sql = `
    SELECT ${focusColumns.map((c) => `${c.sql} AS ${c.name}`).join(',\n      ')}
    FROM (
      SELECT period_start, period_end, ${KEYS}, b.1 AS token_type, b.2 AS tokens, toDecimal128(b.3, 9) AS rate, toDecimal128(b.4, 9) AS list_rate, b.5 AS cost
      FROM (
        SELECT ${start} AS period_start, ${start} + INTERVAL 1 ${day ? 'DAY' : 'HOUR'} AS period_end, ${KEYS}, ${RATES},
          ${sums},
          sum(unallocated_cost_usd) AS c_unallocated
        FROM ${table}
        WHERE ${where} AND ${scope.sql}
        GROUP BY period_start, period_end, ${KEYS}, ${RATES}
      )
      ARRAY JOIN [${tuples.join(', ')}] AS b
      WHERE b.2 > 0 OR b.5 != 0
    )
    ORDER BY ChargePeriodStart, ${KEYS}, x_TokenType, ContractedUnitPrice`;
  const iso = (ms: number) => new Date(ms).toISOString();
  const params = day ? { from: iso(range.fromMs).slice(0, 10), to: iso(range.toMs).slice(0, 10) } : { from: iso(range.fromMs), to: iso(range.toMs) };
  return { sql, params: { ...params, ...scope.params } };
}
