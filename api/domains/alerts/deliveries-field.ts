import type { ApiContext, RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { parseIsoUtc } from '../../schema/scalars.ts';
import { ClickHouseNotificationStore } from '../../../policy/alerts/store/clickhouse-notification-store.ts';
import type { DeadLetter } from '../../../policy/alerts/store/notification-store.ts';

export const deliveriesTypeDefs = /* GraphQL */ `
  "One HTTP try of one notification. Receivers are named; their URLs and secrets are never shown."
  type AlertDelivery {
    triedAt: DateTime!
    idempotencyKey: ID!
    receiver: String!
    receiverType: String!
    "First 12 hex of the SHA-256 of the receiver's URL: tells endpoints apart without showing them."
    endpointId: String!
    groupKey: String!
    tryNo: Int!
    "delivered | rate_limited | retryable | rejected"
    outcome: String!
    httpStatus: Int
    latencyMs: Float!
    detail: String!
  }

  "A notification that could not be delivered within its bounds."
  type AlertDeadLetter {
    idempotencyKey: ID!
    deadAt: DateTime!
    receiver: String!
    groupKey: String!
    reason: String!
    tries: Int!
    "The notification as JSON (alerts, labels, evidence); never a URL or secret."
    notification: String!
    resentAt: DateTime
    "Empty; requested (the policy process resends it within seconds); delivered or the failure."
    resendOutcome: String!
  }

  extend type Query {
    "Delivery tries since from (newest first)."
    alertDeliveries(receiver: String, from: DateTime!, first: Int = 100): [AlertDelivery!]!
    alertDeadLetters(first: Int = 100): [AlertDeadLetter!]!
  }

  extend type Mutation {
    "Asks the policy process to send a dead letter again, as it was (same idempotency key); audit-logged."
    resendAlertDeadLetter(idempotencyKey: ID!): AlertDeadLetter!
  }
`;

const storeOf = (ctx: ApiContext) => new ClickHouseNotificationStore(ctx.store.client, (q, p) => ctx.store.rows(q, p));
const deadView = (d: DeadLetter) => ({
  ...d,
  deadAt: new Date(d.deadAt),
  resentAt: d.resentAt === null ? null : new Date(d.resentAt),
  notification: JSON.stringify(d.notification),
});

function first(n: number | undefined): number {
  const v = n ?? 100;
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw badInput('first', 'must be between 1 and 1000');
  return v;
}

export const alertDeliveries: RootField<{ receiver?: string | null; from: unknown; first?: number }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => {
    const sinceMs = parseIsoUtc(args.from, 'from');
    const tries = await storeOf(ctx).deliveries({ receiver: args.receiver ?? undefined, sinceMs, limit: first(args.first) });
    return tries.map((t) => ({ ...t, triedAt: new Date(t.triedAt) }));
  },
};

export const alertDeadLetters: RootField<{ first?: number }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => (await storeOf(ctx).deadLetters(first(args.first))).map(deadView),
};

export const resendAlertDeadLetter: RootField<{ idempotencyKey: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => {
    const store = storeOf(ctx);
    const dead = (await store.deadLetters(1000)).find((d) => d.idempotencyKey === args.idempotencyKey);
    if (!dead) throw badInput('idempotencyKey', `no dead letter "${args.idempotencyKey}"`);
    // The API holds no receiver secrets: it records the request; the policy process sends it.
    const requested = { ...dead, resendOutcome: 'requested', resentAt: null, deadAt: dead.deadAt };
    await store.recordDeadLetter({ ...requested, deadAt: Math.max(dead.deadAt, ctx.clock.now()) });
    return deadView(requested);
  },
};
