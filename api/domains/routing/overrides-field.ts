import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { parseIsoUtc } from '../../schema/scalars.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { latestDecisions } from '../../../policy/decision-store.ts';
import { activeOverrides, type OperatorOverride, type OverrideAction } from '../../../policy/operator-overrides.ts';
import { createOverride, readOverrides, revokeOverride } from '../../../policy/override-store.ts';
import { unknownRouteError } from './route-argument.ts';
import { WEIGHTS_LOOKBACK_MS } from './routing-weights-field.ts';

/** The longest an override may last: a forgotten pin must not outlive a week. */
const MAX_OVERRIDE_MS = 7 * 86_400_000;

export const overridesTypeDefs = /* GraphQL */ `
  "An operator's pin, drain or canary share for one deployment, with who set it, when and why."
  type RoutingOverride {
    id: ID!
    route: String!
    deployment: String!
    action: OverrideAction!
    "Canary: share of the route's first picks, in (0, 1)."
    share: Float
    actor: String!
    reason: String!
    createdAt: DateTime!
    expiresAt: DateTime!
    revokedAt: DateTime
    active: Boolean!
  }

  extend type Query {
    "Overrides in force at some point during [from, to) (default: now only)."
    routingOverrides(from: DateTime, to: DateTime): [RoutingOverride!]!
  }

  extend type Mutation {
    """
    Pin (all traffic), drain (weight 0: a last resort only) or give a canary share to a deployment
    until expiresAt (at most 7 days ahead). Shown in the weight's reason and detail from the next
    policy evaluation; audit-logged with your token and reason.
    """
    setRoutingOverride(route: String!, deployment: String!, action: OverrideAction!, share: Float, reason: String!, expiresAt: DateTime!): RoutingOverride!
    "Lifts an override before its expiry; audit-logged."
    liftRoutingOverride(id: ID!, reason: String!): RoutingOverride!
  }
`;

function view(o: OperatorOverride, nowMs: number) {
  return {
    ...o,
    createdAt: new Date(o.createdAtMs),
    expiresAt: new Date(o.expiresAtMs),
    revokedAt: o.revokedAtMs === null ? null : new Date(o.revokedAtMs),
    active: activeOverrides([o], nowMs).length === 1,
  };
}

export const routingOverrides: RootField<{ from?: unknown; to?: unknown }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => {
    const now = ctx.clock.now();
    const range = args.from || args.to ? readTimeRange({ from: args.from, to: args.to }, 400) : { fromMs: now, toMs: now };
    return (await readOverrides(ctx.store.rows, range.fromMs, range.toMs)).map((o) => view(o, now));
  },
};

interface SetArgs {
  route: string;
  deployment: string;
  action: OverrideAction;
  share?: number | null;
  reason: string;
  expiresAt: unknown;
}

export const setRoutingOverride: RootField<SetArgs> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const now = ctx.clock.now();
    const reason = args.reason.trim();
    if (reason.length === 0 || reason.length > 500) throw badInput('reason', 'say why in 1 to 500 characters; it is kept in the audit record');
    const expiresAtMs = parseIsoUtc(args.expiresAt, 'expiresAt');
    if (expiresAtMs <= now) throw badInput('expiresAt', 'must be in the future');
    if (expiresAtMs - now > MAX_OVERRIDE_MS) throw badInput('expiresAt', 'may be at most 7 days ahead; set a new override when it expires');
    const share = args.share ?? null;
    if (args.action === 'canary' && (share === null || !(share > 0 && share < 1)))
      throw badInput('share', 'a canary needs a share strictly between 0 and 1 (0.05 = 5 % of the route)');
    if (args.action !== 'canary' && share !== null) throw badInput('share', `only a canary takes a share, not ${args.action}`);
    const known = await latestDecisions(ctx.store.rows, now, WEIGHTS_LOOKBACK_MS, [args.route]);
    if (known.length === 0)
      throw (await unknownRouteError(ctx.store.rows, now, WEIGHTS_LOOKBACK_MS, args.route)) ?? badInput('route', 'the policy engine has decided no route yet');
    if (!known.some((k) => k.decision.deployment === args.deployment)) {
      throw badInput(
        'deployment',
        `route "${args.route}" has no deployment "${args.deployment}" (configured: ${known.map((k) => k.decision.deployment).join(', ')})`,
      );
    }
    const o = await createOverride(
      ctx.store.client,
      { route: args.route, deployment: args.deployment, action: args.action, share, actor: grant.principal.id, reason, expiresAtMs },
      now,
    );
    return view(o, now);
  },
};

export const liftRoutingOverride: RootField<{ id: string; reason: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const now = ctx.clock.now();
    const reason = args.reason.trim();
    if (reason.length === 0 || reason.length > 500) throw badInput('reason', 'say why in 1 to 500 characters; it is kept in the audit record');
    const [found] = await readOverrides(ctx.store.rows, now, now, args.id);
    if (!found || found.revokedAtMs !== null) throw badInput('id', `no override "${args.id}" is in force`);
    return view(await revokeOverride(ctx.store.client, found, grant.principal.id, reason, now), now);
  },
};
