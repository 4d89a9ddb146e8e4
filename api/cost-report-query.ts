import { formatScaled, toScaled } from '../core/money/decimal-usd.ts';
import type { ReadStore } from './read-store.ts';
import { chTime, type TimeRange } from './schema/time-range.ts';
import { teamScopeSql } from './schema/team-scope.ts';

/** Dimensions a cost report can be grouped by; each maps to one `attempts` column. */
export const costDimensions = ['team', 'project', 'feature', 'user', 'api_key_id', 'environment', 'route', 'provider', 'deployment', 'model'] as const;
export type CostDimension = (typeof costDimensions)[number];

export interface CostReportRow {
  group: Partial<Record<CostDimension, string>>;
  /** Exact decimal USD. */
  costUsd: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Requests whose final attempt falls in this group (each request counts once overall). */
  requests: number;
  attempts: number;
}

export interface CostReport {
  from: string;
  to: string;
  groupBy: CostDimension[];
  rows: CostReportRow[];
  total: Omit<CostReportRow, 'group'>;
}

/**
 * Cost, tokens, requests and attempts over [from, to), grouped by the given dimensions.
 * Reads with FINAL so a redelivered event can never be billed twice. Group columns come from a
 * fixed allow-list; all values are bound parameters.
 */
export async function queryCostReport(store: ReadStore, range: TimeRange, groupBy: CostDimension[], teams: 'all' | readonly string[]): Promise<CostReport> {
  const dims = [...new Set(groupBy)].filter((d) => (costDimensions as readonly string[]).includes(d));
  const select = dims.map((d) => `${d} AS ${d}`).join(', ');
  const scope = teamScopeSql(teams);
  type Raw = Record<string, string | number> & { total_cost_usd: string };
  const raw = await store.rows<Raw>(
    `
      SELECT ${select ? `${select},` : ''}
        toString(sum(cost_usd)) AS total_cost_usd,
        sum(input_tokens) AS total_input_tokens,
        sum(cached_input_tokens) AS total_cached_input_tokens,
        sum(output_tokens) AS total_output_tokens,
        sum(reasoning_tokens) AS total_reasoning_tokens,
        countIf(is_final) AS total_requests,
        count() AS total_attempts
      FROM attempts FINAL
      WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND ${scope.sql}
      ${dims.length ? `GROUP BY ${dims.join(', ')} ORDER BY sum(cost_usd) DESC` : ''}`,
    { from: chTime(range.fromMs), to: chTime(range.toMs), ...scope.params },
  );
  const toRow = (r: Raw): CostReportRow => ({
    group: Object.fromEntries(dims.map((d) => [d, String(r[d])])),
    // ClickHouse trims trailing zeros; money always leaves the API with its full 12 decimals.
    costUsd: formatScaled(toScaled(r.total_cost_usd, 12), 12),
    inputTokens: Number(r.total_input_tokens),
    cachedInputTokens: Number(r.total_cached_input_tokens),
    outputTokens: Number(r.total_output_tokens),
    reasoningTokens: Number(r.total_reasoning_tokens),
    requests: Number(r.total_requests),
    attempts: Number(r.total_attempts),
  });
  const rows = raw.map(toRow);
  // Totals are summed here, exactly, rather than by WITH TOTALS, so they add up to the rows by construction.
  const { group: _group, ...total } = sumRows(rows);
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), groupBy: dims, rows: dims.length ? rows : [], total };
}

function sumRows(rows: CostReportRow[]): CostReportRow {
  let pico = 0n;
  const total: CostReportRow = { group: {}, costUsd: '', inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, requests: 0, attempts: 0 };
  for (const r of rows) {
    pico += toScaled(r.costUsd, 12);
    total.inputTokens += r.inputTokens;
    total.cachedInputTokens += r.cachedInputTokens;
    total.outputTokens += r.outputTokens;
    total.reasoningTokens += r.reasoningTokens;
    total.requests += r.requests;
    total.attempts += r.attempts;
  }
  return { ...total, costUsd: formatScaled(pico, 12) };
}
