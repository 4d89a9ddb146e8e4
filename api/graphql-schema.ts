import { createSchema } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { costDimensions, queryCostReport, type CostDimension } from './cost-report-query.ts';
import { queryRoutingWeights } from './routing-weights-query.ts';

export interface ApiContext {
  clickhouse: ClickHouseClient;
}

const typeDefs = /* GraphQL */ `
  """Dimensions a cost report can be grouped by."""
  enum CostDimension { ${costDimensions.map((d) => d.toUpperCase()).join(' ')} }

  type RoutingWeight {
    route: String!
    deployment: String!
    "Share multiplier in [0, 1] the collector applies to the configured weight."
    weight: Float!
    successRate: Float
    p95LatencyMs: Float
    attempts: Int!
    "healthy | degraded | failing | probe"
    reason: String!
    computedAt: String!
  }

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

  type Query {
    "Current routing weights of a route, as published by the policy engine."
    routingWeights(route: String!): [RoutingWeight!]!
    "Cost over [from, to) (ISO-8601), grouped by the given dimensions."
    costReport(from: String!, to: String!, groupBy: [CostDimension!]! = []): CostReport!
  }
`;

export const apiSchema = createSchema<ApiContext>({
  typeDefs,
  resolvers: {
    Query: {
      routingWeights: (_: unknown, args: { route: string }, ctx: ApiContext) => queryRoutingWeights(ctx.clickhouse, args.route),
      costReport: async (_: unknown, args: { from: string; to: string; groupBy: string[] }, ctx: ApiContext) => {
        for (const [name, value] of [['from', args.from], ['to', args.to]] as const) {
          if (Number.isNaN(Date.parse(value))) throw new GraphQLError(`${name}: "${value}" is not an ISO-8601 timestamp`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        const dims = args.groupBy.map((d) => d.toLowerCase() as CostDimension);
        const report = await queryCostReport(ctx.clickhouse, args.from, args.to, dims);
        return {
          ...report,
          rows: report.rows.map((r) => ({ ...r, group: Object.entries(r.group).map(([dimension, value]) => ({ dimension: dimension.toUpperCase(), value })) })),
        };
      },
    },
  },
});
