import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { parseIsoUtc } from '../../schema/scalars.ts';
import { storeCircuitReports } from '../../../policy/circuit-transitions-store.ts';
import type { CircuitReport } from '../../../policy/circuit-open-time.ts';

/** A report older than this is refused: Availability looks back an hour, and a collector's queue is bounded. */
const MAX_AGE_MS = 86_400_000;
/** Collector clocks run a little ahead at most. */
const MAX_AHEAD_MS = 60_000;
const MAX_PER_CALL = 1000;

export const circuitReportsTypeDefs = /* GraphQL */ `
  enum CircuitState {
    open
    half_open
    closed
  }

  "One change of a deployment's circuit as a collector saw it (or, every minute while not closed, that it still is)."
  input CircuitTransitionInput {
    route: String!
    deployment: String!
    state: CircuitState!
    at: DateTime!
  }

  extend type Mutation {
    """
    A collector reports its circuit breakers' transitions (service role). Stored in
    circuit_transitions_v1; the policy counts circuit-open time in Availability (docs/policy.md).
    Returns how many were stored.
    """
    reportCircuitTransitions(collector: String!, transitions: [CircuitTransitionInput!]!): Int!
  }
`;

interface Args {
  collector: string;
  transitions: Array<{ route: string; deployment: string; state: CircuitReport['state']; at: unknown }>;
}

export const reportCircuitTransitions: RootField<Args> = {
  access: { roles: ['service'] },
  resolve: async (args, ctx) => {
    const now = ctx.clock.now();
    if (!/^[a-zA-Z0-9._:-]{1,128}$/.test(args.collector)) throw badInput('collector', 'a collector id of 1–128 letters, digits, . _ : -');
    if (args.transitions.length > MAX_PER_CALL) throw badInput('transitions', `at most ${MAX_PER_CALL} per call`);
    const reports = args.transitions.map((t, i): CircuitReport => {
      const name = (v: string, what: string) => {
        if (v.length === 0 || v.length > 200) throw badInput(`transitions.${i}.${what}`, 'must be 1–200 characters');
        return v;
      };
      const atMs = parseIsoUtc(t.at, `transitions.${i}.at`);
      if (atMs < now - MAX_AGE_MS || atMs > now + MAX_AHEAD_MS)
        throw badInput(`transitions.${i}.at`, 'must be within the last 24 hours (and at most a minute ahead of the API clock)');
      return { route: name(t.route, 'route'), deployment: name(t.deployment, 'deployment'), collector: args.collector, state: t.state, atMs };
    });
    await storeCircuitReports(ctx.store.client, reports, now);
    return reports.length;
  },
};
