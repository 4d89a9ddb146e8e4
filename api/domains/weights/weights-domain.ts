import type { DomainModule, RootField } from '../../schema/domain-module.ts';
import { queryRoutingWeights } from './routing-weights-query.ts';

const routingWeights: RootField<{ route: string }> = {
  // Collectors poll this with a service token; weights carry no team data, so every role may read them.
  access: { roles: ['service', 'viewer', 'finance', 'operator'] },
  resolve: (args, ctx) => queryRoutingWeights(ctx.store, args.route),
};

/** Routing weights as published by the policy engine. */
export const weightsDomain: DomainModule = {
  name: 'weights',
  typeDefs: /* GraphQL */ `
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

    extend type Query {
      "Current routing weights of a route, as published by the policy engine."
      routingWeights(route: String!): [RoutingWeight!]!
    }
  `,
  query: { routingWeights },
};
