import { costDimensions, queryCostReport, type CostDimension } from '../../cost-report-query.ts';
import type { RootField } from '../../schema/domain-module.ts';
import { readTimeRange } from '../../schema/time-range.ts';

/** Longest range one cost report may span, days. */
export const MAX_REPORT_DAYS = 400;

export const legacyCostReportTypeDefs = /* GraphQL */ `
  "Dimensions costReport can group by."
  enum CostDimension { ${costDimensions.map((d) => d.toUpperCase()).join(' ')} }

  type CostGroup { dimension: CostDimension!, value: String! }

  type CostRow {
    group: [CostGroup!]!
    "Exact decimal USD."
    costUsd: String!
    inputTokens: Float!
    cachedInputTokens: Float!
    outputTokens: Float!
    reasoningTokens: Float!
    "Requests whose final attempt is in this group."
    requests: Int!
    attempts: Int!
  }

  type CostTotals {
    costUsd: String!
    inputTokens: Float!
    cachedInputTokens: Float!
    outputTokens: Float!
    reasoningTokens: Float!
    requests: Int!
    attempts: Int!
  }

  type CostReport { from: String!, to: String!, rows: [CostRow!]!, total: CostTotals! }

  extend type Query {
    "Cost over [from, to) (strict ISO-8601 UTC) widened to whole UTC hours (the rollups grain; the answer gives the range read), grouped by the given dimensions; your teams only."
    costReport(from: String!, to: String!, groupBy: [CostDimension!]! = []): CostReport! @deprecated(reason: "Use costs: time buckets, any dimension or tag, paging, list and effective cost, Decimal/Int64 types.")
  }
`;

/** The first cost query, kept with its exact shape for existing clients and the shared provider cases. */
export const costReport: RootField<{ from: string; to: string; groupBy: string[] }> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const range = readTimeRange(args, MAX_REPORT_DAYS);
    const dims = args.groupBy.map((d) => d.toLowerCase() as CostDimension);
    const report = await queryCostReport(ctx.store, range, dims, grant.teams);
    return {
      ...report,
      rows: report.rows.map((r) => ({ ...r, group: Object.entries(r.group).map(([dimension, value]) => ({ dimension: dimension.toUpperCase(), value })) })),
    };
  },
};
