import { randomUUID } from 'node:crypto';
import type { ApiContext, RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { parseIsoUtc } from '../../schema/scalars.ts';
import type { Silence } from '../../../policy/alerts/notify/silences.ts';
import { ClickHouseMuteStore } from '../../../policy/alerts/store/clickhouse-mute-store.ts';
import { queryAlerts } from '../../../policy/alerts/store/alert-history-query.ts';

/** The longest a silence may last: a forgotten silence must not hide a month of incidents. */
const MAX_SILENCE_MS = 14 * 86_400_000;

export const silencesTypeDefs = /* GraphQL */ `
  "Mutes notifications (never evaluation) of alerts whose labels match every matcher, within [startsAt, endsAt)."
  type AlertSilence {
    id: ID!
    matchers: [AlertLabel!]!
    startsAt: DateTime!
    endsAt: DateTime!
    createdBy: String!
    comment: String!
  }

  "An exact label match: alertname, severity or a group_by dimension (team, route, provider…)."
  input AlertLabelInput {
    name: String!
    value: String!
  }

  extend type Query {
    "Silences not yet ended."
    alertSilences: [AlertSilence!]!
  }

  extend type Mutation {
    "Silences matching alerts until endsAt (at most 14 days ahead); audit-logged."
    createAlertSilence(matchers: [AlertLabelInput!]!, startsAt: DateTime, endsAt: DateTime!, comment: String!): AlertSilence!
    "Ends a silence now; audit-logged."
    expireAlertSilence(id: ID!): AlertSilence!
    "Stops repeat notifications of a firing alert until it resolves; new alerts in its group still notify. Audit-logged."
    acknowledgeAlert(fingerprint: ID!, comment: String!): Boolean!
  }
`;

const muteStore = (ctx: ApiContext) => new ClickHouseMuteStore(ctx.store.client, (q, p) => ctx.store.rows(q, p));
const view = (s: Silence) => ({
  ...s,
  matchers: Object.entries(s.matchers).map(([name, value]) => ({ name, value })),
  startsAt: new Date(s.startsAt),
  endsAt: new Date(s.endsAt),
});

function comment(text: string): string {
  const c = text.trim();
  if (c.length === 0 || c.length > 500) throw badInput('comment', 'say why in 1 to 500 characters; it is kept in the audit record');
  return c;
}

export const alertSilences: RootField<Record<string, never>> = {
  access: { roles: ['operator'] },
  resolve: async (_args, ctx) => (await muteStore(ctx).silences(ctx.clock.now())).map(view),
};

export const createAlertSilence: RootField<{ matchers: Array<{ name: string; value: string }>; startsAt?: unknown; endsAt: unknown; comment: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const now = ctx.clock.now();
    if (args.matchers.length === 0) throw badInput('matchers', 'a silence needs at least one matcher; it would mute everything');
    const matchers = Object.fromEntries(args.matchers.map((m) => [m.name, m.value]));
    if (Object.keys(matchers).length !== args.matchers.length) throw badInput('matchers', 'each label may be matched once');
    const startsAt = args.startsAt == null ? now : parseIsoUtc(args.startsAt, 'startsAt');
    const endsAt = parseIsoUtc(args.endsAt, 'endsAt');
    if (endsAt <= Math.max(now, startsAt)) throw badInput('endsAt', 'must be after startsAt and in the future');
    if (endsAt - now > MAX_SILENCE_MS) throw badInput('endsAt', 'may be at most 14 days ahead; create a new silence when it ends');
    const silence: Silence = { id: randomUUID(), matchers, startsAt, endsAt, createdBy: grant.principal.id, comment: comment(args.comment) };
    await muteStore(ctx).addSilence(silence, now);
    return view(silence);
  },
};

export const expireAlertSilence: RootField<{ id: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => {
    const store = muteStore(ctx);
    const now = ctx.clock.now();
    if (!(await store.expireSilence(args.id, now))) throw badInput('id', `no silence "${args.id}" is in force or pending`);
    return view((await store.silences(0)).find((s) => s.id === args.id)!);
  },
};

export const acknowledgeAlert: RootField<{ fingerprint: string; comment: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const now = ctx.clock.now();
    const [alert] = await queryAlerts((q, p) => ctx.store.rows(q, p), {
      states: ['firing'],
      teams: 'all',
      lookbackMs: 8 * 86_400_000,
      nowMs: now,
      limit: 1000,
    }).then((all) => all.filter((a) => a.fingerprint === args.fingerprint));
    if (!alert || alert.state.activeSince === null) throw badInput('fingerprint', `no firing alert "${args.fingerprint}"`);
    await muteStore(ctx).acknowledge({
      fingerprint: alert.fingerprint,
      episodeStart: alert.state.activeSince,
      ackedBy: grant.principal.id,
      ackedAt: now,
      comment: comment(args.comment),
    });
    return true;
  },
};
