import { monthlyShowback } from '../../../finance/showback/showback.ts';
import type { RootField } from '../../schema/domain-module.ts';

export const showbackTypeDefs = /* GraphQL */ `
  type ShowbackLine {
    team: String!
    measures: CostMeasures!
    "listCostUsd − costUsd: what negotiated rates saved (negative if they cost more)."
    savingsUsd: Decimal!
    "Share of the month's effective cost, percent, 2 decimals."
    sharePercent: Decimal!
  }

  type Showback {
    month: String!
    total: CostMeasures!
    teams: [ShowbackLine!]!
  }

  extend type Query {
    "Monthly showback per team (month as YYYY-MM, UTC), costliest first; your token's teams only."
    showback(month: String!): Showback!
  }
`;

export const showback: RootField<{ month: string }> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: (args, ctx, grant) => monthlyShowback(ctx.store, args.month, grant),
};
