import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import type { Principal } from '../auth/roles.ts';

export type AuditOutcome = 'ok' | 'denied' | 'error';

/** One mutation as the audit log keeps it. */
export interface AuditEntry {
  principal: Principal;
  /** `Mutation.<field>`. */
  operation: string;
  arguments: Record<string, unknown>;
  outcome: AuditOutcome;
  /** The GraphQL error code when not ok (`FORBIDDEN`, `BAD_USER_INPUT`, `INTERNAL`). */
  errorCode: string;
}

/** Where mutations are recorded; the API refuses to answer a mutation it could not record. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

const SECRET_KEY = /token|secret|password|credential/i;

/** Arguments as JSON with any secret-looking key's value replaced, at any depth. */
export function redactArguments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactArguments);
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v === 'string' ? '[redacted]' : redactArguments(v)]));
  }
  return value;
}

/** Appends to `api_audit_log` (migration 0060). */
export function clickHouseAuditLog(clickhouse: ClickHouseClient, clock: Clock): AuditLog {
  return {
    async record(entry) {
      await clickhouse.insert({
        table: 'api_audit_log',
        values: [
          {
            audit_id: randomUUID(),
            at: new Date(clock.now()).toISOString(),
            principal_id: entry.principal.id,
            role: entry.principal.role,
            operation: entry.operation,
            arguments: JSON.stringify(redactArguments(entry.arguments)),
            outcome: entry.outcome,
            error_code: entry.errorCode,
          },
        ],
        format: 'JSONEachRow',
      });
    },
  };
}
