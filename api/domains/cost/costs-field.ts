import type { RootField } from '../../schema/domain-module.ts';
import { pageSize } from '../../schema/cursor.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { dimensions, groupSql, type GroupKeyInput } from './cost-dimensions.ts';
import { filterSql, type CostFilterInput } from './cost-filter.ts';
import { sumMeasures } from './cost-measures.ts';
import { queryCostPage, queryCostTotal, type CostOrder } from './cost-query.ts';
import { rollupSource, type TimeBucket } from './rollup-source.ts';

/** Longest range one cost report may span, days. */
export const MAX_COST_DAYS = 400;
const MAX_PAGE = 1000;

export const costsTypeDefs = /* GraphQL */ `
  "What cost rows can be grouped by; TAG groups by a tag key (x-switchyard-tags)."
  enum Dimension { ${dimensions.join(' ')} }
  enum TimeBucket { HOUR DAY WEEK MONTH }
  "KEY: by bucket then group values (stable paging while data arrives). COST_DESC: costliest first (top-N)."
  enum CostOrder { KEY COST_DESC }

  "Group by a dimension, or by a tag key: give exactly one."
  input GroupKey { dimension: Dimension, tag: String }

  type GroupValue {
    "The dimension, or null for a tag."
    dimension: Dimension
    "The tag key, or null for a dimension."
    tag: String
    value: String!
  }

  type CostLine {
    "Start of the time bucket; null without bucket."
    bucket: DateTime
    group: [GroupValue!]!
    measures: CostMeasures!
  }

  type CostPage {
    from: DateTime!
    to: DateTime!
    rows: [CostLine!]!
    "Over the whole filtered range, not only this page."
    total: CostMeasures!
    "Pass as after for the next page; null on the last."
    nextCursor: String
  }

  extend type Query {
    """
    Cost and usage over [from, to) from the hourly/daily chargeback rollups (never raw attempts):
    grouped by any dimension or tag key, optionally per hour/day/week/month (UTC; weeks start
    Monday), filtered, ordered for top-N and paged by cursor. from and to must be whole UTC
    hours, at most 400 days apart. Only your token's teams are ever read.
    """
    costs(from: DateTime!, to: DateTime!, groupBy: [GroupKey!]! = [], bucket: TimeBucket, filter: CostFilter, orderBy: CostOrder! = KEY, first: Int! = 100, after: String): CostPage!
  }
`;

interface CostsArgs {
  from: unknown;
  to: unknown;
  groupBy: GroupKeyInput[];
  bucket?: TimeBucket | null;
  filter?: CostFilterInput | null;
  orderBy: CostOrder;
  first: number;
  after?: string | null;
}

export const costs: RootField<CostsArgs> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const range = readTimeRange(args, MAX_COST_DAYS);
    const groups = groupSql(args.groupBy);
    const query = {
      source: rollupSource(range, args.bucket),
      groups,
      filter: filterSql(args.filter, grant),
      order: args.orderBy,
      first: pageSize(args.first, MAX_PAGE),
      after: args.after,
    };
    const page = await queryCostPage(ctx.store, query);
    // A first page that holds every row already has the total; only a paged report needs the second query.
    const total = !args.after && page.nextCursor === null ? sumMeasures(page.lines.map((l) => l.measures)) : await queryCostTotal(ctx.store, query);
    return {
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      total,
      nextCursor: page.nextCursor,
      rows: page.lines.map((l) => ({
        bucket: l.bucketMs === null ? null : new Date(l.bucketMs),
        group: groups.map((g, i) => ({ dimension: g.label.dimension === 'TAG' ? null : g.label.dimension, tag: g.label.tag, value: l.values[i] })),
        measures: l.measures,
      })),
    };
  },
};
