import type { DomainModule, RootField } from '../../schema/domain-module.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../schema/cursor.ts';
import { chTime, readTimeRange } from '../../schema/time-range.ts';

const MAX_AUDIT_DAYS = 366;

interface AuditRow {
  audit_id: string;
  at_ms: string;
  principal_id: string;
  role: string;
  operation: string;
  arguments: string;
  outcome: string;
  error_code: string;
}

const auditLog: RootField<{ from: unknown; to: unknown; first: number; after?: string | null }> = {
  access: { roles: [] },
  resolve: async (args, ctx) => {
    const range = readTimeRange(args, MAX_AUDIT_DAYS);
    const first = pageSize(args.first, 1000);
    const [afterMs, afterId] = args.after ? decodeCursor(args.after, ['number', 'string']) : [0, ''];
    const rows = await ctx.store.rows<AuditRow>(
      `SELECT toString(audit_id) AS audit_id, toString(toUnixTimestamp64Milli(at)) AS at_ms, principal_id, role, operation, arguments, outcome, error_code
       FROM api_audit_log
       WHERE at >= {from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
         AND (toUnixTimestamp64Milli(at), toString(audit_id)) > ({after_ms:Int64}, {after_id:String})
       ORDER BY at, toString(audit_id)
       LIMIT {limit:UInt32}`,
      { from: chTime(range.fromMs), to: chTime(range.toMs), after_ms: afterMs, after_id: afterId, limit: first + 1 },
    );
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      entries: page.map((r) => ({
        id: r.audit_id,
        at: new Date(Number(r.at_ms)),
        principalId: r.principal_id,
        role: r.role,
        operation: r.operation,
        arguments: r.arguments,
        outcome: r.outcome,
        errorCode: r.error_code,
      })),
      nextCursor: rows.length > first && last ? encodeCursor([Number(last.at_ms), last.audit_id]) : null,
    };
  },
};

/** The audit log of mutations (admin). */
export const auditDomain: DomainModule = {
  name: 'audit',
  typeDefs: /* GraphQL */ `
    type AuditEntry {
      id: String!
      at: DateTime!
      "Token id, or anonymous."
      principalId: String!
      role: String!
      "Mutation.<field>"
      operation: String!
      "The arguments as JSON, secrets redacted."
      arguments: String!
      "ok | denied | error"
      outcome: String!
      errorCode: String!
    }

    type AuditPage {
      entries: [AuditEntry!]!
      "Pass as after for the next page; null on the last."
      nextCursor: String
    }

    extend type Query {
      "Mutations run in [from, to), oldest first (admin)."
      auditLog(from: DateTime!, to: DateTime!, first: Int! = 100, after: String): AuditPage!
    }
  `,
  query: { auditLog },
};
