import { formatScaled, toScaled } from '../core/money/decimal-usd.ts';
import { badInput } from './api-errors.ts';
import type { Grant } from './auth/authorize.ts';
import { groupSql, type Dimension } from './domains/cost/cost-dimensions.ts';
import { filterSql } from './domains/cost/cost-filter.ts';
import { queryCostPage, type CostLine } from './domains/cost/cost-query.ts';
import { rollupSource } from './domains/cost/rollup-source.ts';
import type { ReadStore } from './read-store.ts';
import type { TimeRange } from './schema/time-range.ts';

/** Dimensions the deprecated costReport can be grouped by (its original names). */
export const costDimensions = ['team', 'project', 'feature', 'user', 'api_key_id', 'environment', 'route', 'provider', 'deployment', 'model'] as const;
export type CostDimension = (typeof costDimensions)[number];

const toDimension: Record<CostDimension, Dimension> = {
  team: 'TEAM',
  project: 'PROJECT',
  feature: 'FEATURE',
  user: 'USER',
  api_key_id: 'KEY',
  environment: 'ENVIRONMENT',
  route: 'ROUTE',
  provider: 'PROVIDER',
  deployment: 'DEPLOYMENT',
  model: 'MODEL',
};

export interface CostReportRow {
  group: Partial<Record<CostDimension, string>>;
  /** Exact decimal USD, 12 decimals. */
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
  /** The range actually read: the asked one widened to whole UTC hours. */
  from: string;
  to: string;
  groupBy: CostDimension[];
  rows: CostReportRow[];
  total: Omit<CostReportRow, 'group'>;
}

const HOUR_MS = 3_600_000;
/** More groups than this is a report nobody reads whole; `costs` pages instead. */
const MAX_ROWS = 10_000;

/**
 * The deprecated costReport, answered from the chargeback rollups like `costs`: the range is
 * widened to whole UTC hours (the rollups' grain) and the answer says which range it read.
 * Rows by cost, costliest first; totals over the whole range.
 * @throws ApiError BAD_USER_INPUT naming groupBy when there are more than 10,000 groups
 */
export async function queryCostReport(store: ReadStore, asked: TimeRange, groupBy: CostDimension[], teams: Grant['teams']): Promise<CostReport> {
  const dims = [...new Set(groupBy)];
  const range = { fromMs: Math.floor(asked.fromMs / HOUR_MS) * HOUR_MS, toMs: Math.ceil(asked.toMs / HOUR_MS) * HOUR_MS };
  const groups = groupSql(dims.map((d) => ({ dimension: toDimension[d] })));
  const grant: Grant = { principal: { id: 'costReport', role: 'viewer', teams: 'all' }, teams };
  const query = { source: rollupSource(range, null), groups, filter: filterSql(null, grant), order: 'COST_DESC' as const, first: MAX_ROWS };
  const { lines, nextCursor } = await queryCostPage(store, query);
  if (nextCursor) throw badInput('groupBy', `more than ${MAX_ROWS} groups; use costs, which pages`);
  const rows = lines.map((l) => toRow(l, dims));
  // Totals add up the rows exactly, so they match them by construction (and the empty grouping is the total row).
  const total = sumRows(rows);
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), groupBy: dims, rows: dims.length ? rows : [], total };
}

function toRow(l: CostLine, dims: CostDimension[]): CostReportRow {
  const m = l.measures;
  return {
    group: Object.fromEntries(dims.map((d, i) => [d, l.values[i]!])),
    costUsd: m.costUsd,
    inputTokens: Number(m.inputTokens),
    cachedInputTokens: Number(m.cachedInputTokens),
    outputTokens: Number(m.outputTokens),
    reasoningTokens: Number(m.reasoningTokens),
    requests: Number(m.requests),
    attempts: Number(m.attempts),
  };
}

function sumRows(rows: CostReportRow[]): Omit<CostReportRow, 'group'> {
  let pico = 0n;
  const total = { costUsd: '', inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, requests: 0, attempts: 0 };
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
