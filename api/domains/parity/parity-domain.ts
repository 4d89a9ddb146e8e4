import type { DomainModule, RootField } from '../../schema/domain-module.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { queryParityRates } from '../../../collector/parity/parity-rates-query.ts';

const MAX_PARITY_DAYS = 93;

const counts = (m: Record<string, number>) => Object.entries(m).map(([outcome, attempts]) => ({ outcome, attempts }));

const parityReport: RootField<{ from: unknown; to: unknown; route?: string | null }> = {
  // Deployment behaviour, not team data (like providerScores): no team scope applies.
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx) => {
    const range = readTimeRange(args, MAX_PARITY_DAYS);
    const rates = await queryParityRates((q, p) => ctx.store.rows(q, p), { ...range, route: args.route ?? undefined });
    return {
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      deployments: rates.deployments.map((d) => ({ ...d, byOutcome: counts(d.byOutcome) })),
      pairs: rates.pairs.map((p) => ({ ...p, alternateByOutcome: counts(p.alternateByOutcome) })),
    };
  },
};

/** Parity: contract checks of served answers and shadow comparisons per (deployment, alternate) pair (docs/parity.md). */
export const parityDomain: DomainModule = {
  name: 'parity',
  typeDefs: /* GraphQL */ `
    "Attempts with one contract outcome: ok | invalid_json | schema_violation | unknown_tool | invalid_tool_args | none."
    type ParityOutcomeCount {
      outcome: String!
      attempts: Int64!
    }

    type DeploymentParity {
      route: String!
      deployment: String!
      "Answers with a contract (outcome other than none)."
      checked: Int64!
      ok: Int64!
      "ok / checked; null when nothing was checked."
      rate: Float
      byOutcome: [ParityOutcomeCount!]!
    }

    type ParityPair {
      route: String!
      "The deployment that served."
      deployment: String!
      "The alternate that got the shadow copy."
      alternate: String!
      shadowed: Int64!
      "Copies whose answer matched the served one in structure (contract outcome, finish reason, tool names, length)."
      matches: Int64!
      "matches / shadowed; null without shadow traffic."
      rate: Float
      alternateByOutcome: [ParityOutcomeCount!]!
      "Shadow spend, USD."
      costUsd: Decimal!
    }

    type ParityReport {
      from: DateTime!
      to: DateTime!
      deployments: [DeploymentParity!]!
      pairs: [ParityPair!]!
    }

    extend type Query {
      "Parity rates over [from, to) (at most 93 days, whole minutes) from the per-minute parity rollup, optionally for one route."
      parityReport(from: DateTime!, to: DateTime!, route: String): ParityReport!
    }
  `,
  query: { parityReport },
};
