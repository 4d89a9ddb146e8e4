import { badInput } from '../../api-errors.ts';
import type { DomainModule, RootField } from '../../schema/domain-module.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../schema/cursor.ts';
import { readTimeRange } from '../../schema/time-range.ts';
import { auditKinds, queryDeploymentAudit, type AuditKind } from '../../../collector/audit/deployment-audit-query.ts';

const MAX_AUDIT_DAYS = 366;

interface Args {
  from: unknown;
  to: unknown;
  kinds?: string[] | null;
  actor?: string | null;
  subject?: string | null;
  first: number;
  after?: string | null;
}

const deploymentAudit: RootField<Args> = {
  // Who changed what, with mutation arguments: operators and admins, like the routing overrides.
  access: { roles: ['operator'] },
  resolve: async (args, ctx) => {
    const range = readTimeRange(args, MAX_AUDIT_DAYS);
    const first = pageSize(args.first, 1000);
    const kinds = (args.kinds ?? []).map((k) => k.toLowerCase());
    const unknown = kinds.find((k) => !(auditKinds as readonly string[]).includes(k));
    if (unknown) throw badInput('kinds', `unknown kind "${unknown}"; use ${auditKinds.map((k) => k.toUpperCase()).join(', ')}`);
    const [atMs, id] = args.after ? decodeCursor(args.after, ['number', 'string']) : [0, ''];
    const rows = await queryDeploymentAudit((q, p) => ctx.store.rows(q, p), {
      ...range,
      kinds: kinds as AuditKind[],
      actor: args.actor ?? '',
      subject: args.subject ?? '',
      after: args.after ? { atMs: Number(atMs), id: String(id) } : null,
      limit: first + 1,
      nowMs: ctx.clock.now(),
    });
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      entries: page.map((r) => ({ ...r, at: new Date(r.atMs), kind: r.kind.toUpperCase() })),
      nextCursor: rows.length > first && last ? encodeCursor([last.atMs, last.id]) : null,
    };
  },
};

/** The deployment audit log: routes reloads, mutations and operator overrides in one list (docs/audit.md). */
export const deploymentAuditDomain: DomainModule = {
  name: 'deploymentAudit',
  typeDefs: /* GraphQL */ `
    enum DeploymentAuditKind { ${auditKinds.map((k) => k.toUpperCase()).join(' ')} }

    type DeploymentAuditEntry {
      id: String!
      at: DateTime!
      kind: DeploymentAuditKind!
      "API principal id (mutations, overrides); system for an expiry; empty for file reloads."
      actor: String!
      "The principal's role, for mutations."
      role: String!
      "The routes file, Mutation.<field>, or route/deployment of an override."
      subject: String!
      "JSON: the reload's structured diff, the mutation's arguments (secrets redacted), or the override's terms."
      detail: String!
      "Why: the refusal reason or the operator's reason; a mutation's outcome."
      reason: String!
      "Host and process id of a reload."
      host: String!
      pid: Int!
      "sha256 of the routes file of a reload."
      checksum: String!
    }

    type DeploymentAuditPage { entries: [DeploymentAuditEntry!]!, "Pass as after for the next page; null on the last." nextCursor: String }

    extend type Query {
      "Changes to what serves traffic in [from, to) (at most 366 days), oldest first, filtered by kind, actor and subject text (operator)."
      deploymentAudit(from: DateTime!, to: DateTime!, kinds: [DeploymentAuditKind!], actor: String, subject: String, first: Int! = 100, after: String): DeploymentAuditPage!
    }
  `,
  query: { deploymentAudit },
};
