import { badInput } from '../../api-errors.ts';
import type { ReadStore } from '../../read-store.ts';
import { decodeCursor, encodeCursor } from '../../schema/cursor.ts';
import type { GroupSql } from './cost-dimensions.ts';
import { measuresSql, readMeasures, type CostMeasures } from './cost-measures.ts';
import type { RollupSource } from './rollup-source.ts';

export type CostOrder = 'KEY' | 'COST_DESC';

/** A validated cost query: every part already checked and bound. */
export interface CostQuery {
  source: RollupSource;
  groups: GroupSql[];
  filter: { sql: string; params: Record<string, unknown> };
  order: CostOrder;
  first: number;
  after?: string | null;
}

export interface CostLine {
  /** Bucket start, ms since the epoch; null without buckets. */
  bucketMs: number | null;
  /** Group values, in `groups` order. */
  values: string[];
  measures: CostMeasures;
}

/**
 * One page of grouped cost rows and the next cursor. Keyset paging: KEY order (bucket, then group
 * values) is stable even while new attempts arrive, since rows never move; COST_DESC (top-N) is
 * stable over closed periods. Rows without any attempt are left out.
 */
export async function queryCostPage(store: ReadStore, q: CostQuery): Promise<{ lines: CostLine[]; nextCursor: string | null }> {
  const keyExprs = [...(q.source.bucketSql ? ['bucket_s'] : []), ...q.groups.map((_, i) => `g${i}`)];
  const select = [...(q.source.bucketSql ? [`${q.source.bucketSql} AS bucket_s`] : []), ...q.groups.map((g, i) => `${g.expr} AS g${i}`)];
  const params: Record<string, unknown> = {
    ...q.source.params,
    ...q.filter.params,
    ...Object.assign({}, ...q.groups.map((g) => g.params)),
    limit: q.first + 1,
  };
  const having = ['sum(attempts) > 0'];
  // Without groups or buckets the report is one row: no cursor of ours belongs to it (a trial's garbage `after` was taken silently).
  if (q.after && !keyExprs.length) throw badInput('after', 'a report without groupBy or bucket is a single page; leave after out');
  if (q.after && keyExprs.length) {
    const shape = ['string', 'string', ...(q.source.bucketSql ? (['number'] as const) : []), ...q.groups.map(() => 'string' as const)] as const;
    const [order, cost, ...key] = decodeCursor(q.after, shape);
    if (order !== q.order) throw badInput('after', 'this cursor belongs to another orderBy; start again without after');
    key.forEach((v, i) => (params[`c${i}`] = v));
    const keyTuple = `tuple(${keyExprs.join(', ')}) > tuple(${keyExprs.map((e, i) => `{c${i}:${e === 'bucket_s' ? 'Int64' : 'String'}}`).join(', ')})`;
    if (q.order === 'KEY') having.push(keyTuple);
    else {
      params.c_cost = cost;
      having.push(`(sum(cost_usd) < {c_cost:Decimal(38, 12)} OR (sum(cost_usd) = {c_cost:Decimal(38, 12)} AND ${keyTuple}))`);
    }
  }
  const orderBy = [...(q.order === 'COST_DESC' ? ['sum(cost_usd) DESC'] : []), ...keyExprs];
  const rows = await store.rows<Record<string, string>>(
    `SELECT ${[...select, measuresSql].join(',\n  ')}
     FROM ${q.source.table}
     WHERE ${q.source.timeSql} AND ${q.filter.sql}
     ${keyExprs.length ? `GROUP BY ${keyExprs.join(', ')}` : ''}
     HAVING ${having.join(' AND ')}
     ${orderBy.length ? `ORDER BY ${orderBy.join(', ')}` : ''}
     LIMIT {limit:UInt32}`,
    params,
  );
  const lines = rows.slice(0, q.first).map((r) => ({
    bucketMs: q.source.bucketSql ? Number(r.bucket_s) * 1000 : null,
    values: q.groups.map((_, i) => String(r[`g${i}`] ?? '')),
    measures: readMeasures(r),
  }));
  const last = lines.at(-1);
  const more = rows.length > q.first && last && keyExprs.length > 0;
  const nextCursor = more ? encodeCursor([q.order, last.measures.costUsd, ...(q.source.bucketSql ? [last.bucketMs! / 1000] : []), ...last.values]) : null;
  return { lines, nextCursor };
}

/** The totals over the whole filtered range, independent of paging. */
export async function queryCostTotal(store: ReadStore, q: Pick<CostQuery, 'source' | 'filter'>): Promise<CostMeasures> {
  const rows = await store.rows<Record<string, string>>(`SELECT ${measuresSql} FROM ${q.source.table} WHERE ${q.source.timeSql} AND ${q.filter.sql}`, {
    ...q.source.params,
    ...q.filter.params,
  });
  return readMeasures(rows[0] ?? {});
}
