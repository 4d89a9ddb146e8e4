import type { RowReader } from '../../policy/row-reader.ts';
import { chTime } from '../../policy/row-reader.ts';

/** Every kind of change the deployment audit log shows. */
export const auditKinds = ['routes_reload', 'routes_reload_refused', 'mutation', 'override_set', 'override_lifted', 'override_expired'] as const;
export type AuditKind = (typeof auditKinds)[number];

/** One change to what serves traffic, whichever table recorded it. */
export interface DeploymentAuditEntry {
  id: string;
  atMs: number;
  kind: AuditKind;
  /** API principal id for mutations and overrides; `system` for an expiry; empty for file reloads. */
  actor: string;
  role: string;
  /** What changed: the routes file path, `Mutation.<field>`, or `route/deployment` of an override. */
  subject: string;
  /** JSON: the reload diff, the mutation's arguments (secrets redacted), or the override's terms. */
  detail: string;
  /** Why: the refusal reason, the operator's reason; for mutations their outcome and error code. */
  reason: string;
  host: string;
  pid: number;
  checksum: string;
}

export interface AuditQuery {
  fromMs: number;
  toMs: number;
  /** Empty: every kind. */
  kinds: readonly AuditKind[];
  /** Only this actor; empty: all. */
  actor: string;
  /** Only subjects containing this text (a route, a deployment, a file); empty: all. */
  subject: string;
  /** Keyset: entries strictly after (atMs, id). */
  after: { atMs: number; id: string } | null;
  limit: number;
  /** Overrides whose expiry is after now have not expired yet. */
  nowMs: number;
}

interface Row {
  id: string;
  at_ms: string;
  kind: AuditKind;
  actor: string;
  role: string;
  subject: string;
  detail: string;
  reason: string;
  host: string;
  pid: number;
  checksum: string;
}

/**
 * The deployment audit log, oldest first: routes reloads and refusals (`deployment_audit_v1`),
 * GraphQL mutations (`api_audit_log`), and operator overrides set, lifted and expired
 * (`routing_overrides_v1`, newest version of each). An override set or lifted through the API
 * shows once, as the override (with its actor and reason); the same mutation is not repeated
 * as `mutation`, except when it was denied or failed.
 */
export async function queryDeploymentAudit(rows: RowReader, q: AuditQuery): Promise<DeploymentAuditEntry[]> {
  const data = await rows<Row>(
    `WITH o AS (
       SELECT toString(override_id) AS oid, argMax(route, updated_at) AS route, argMax(deployment, updated_at) AS deployment,
              argMax(action, updated_at) AS action, argMax(share, updated_at) AS share, argMax(actor, updated_at) AS actor,
              argMax(reason, updated_at) AS reason, argMax(created_at, updated_at) AS created_at, argMax(expires_at, updated_at) AS expires_at,
              argMax(revoked_at, updated_at) AS revoked_at, argMax(revoked_by, updated_at) AS revoked_by, argMax(revoke_reason, updated_at) AS revoke_reason
       FROM routing_overrides_v1 GROUP BY override_id)
     SELECT id, toString(toUnixTimestamp64Milli(at)) AS at_ms, kind, actor, role, subject, detail, reason, host, pid, checksum FROM (
       SELECT toString(audit_id) AS id, at, toString(kind) AS kind, '' AS actor, '' AS role, file AS subject, diff AS detail, reason, toString(host) AS host, pid, checksum FROM deployment_audit_v1
       UNION ALL
       SELECT toString(audit_id), at, 'mutation', toString(principal_id), toString(role), toString(operation), arguments,
              if(outcome = 'ok', 'ok', concat(toString(outcome), ' ', toString(error_code))), '', toUInt32(0), ''
       FROM api_audit_log
       WHERE NOT (outcome = 'ok' AND operation IN ('Mutation.setRoutingOverride', 'Mutation.liftRoutingOverride'))
       UNION ALL
       SELECT concat(oid, ':set'), created_at, 'override_set', actor, '', concat(route, '/', deployment),
              toJSONString(map('action', action, 'share', toString(share), 'expires_at', toString(expires_at))), reason, '', toUInt32(0), ''
       FROM o
       UNION ALL
       SELECT concat(oid, ':lifted'), assumeNotNull(revoked_at), 'override_lifted', revoked_by, '', concat(route, '/', deployment),
              toJSONString(map('action', action)), revoke_reason, '', toUInt32(0), ''
       FROM o WHERE revoked_at IS NOT NULL AND revoked_at < expires_at
       UNION ALL
       SELECT concat(oid, ':expired'), expires_at, 'override_expired', 'system', '', concat(route, '/', deployment),
              toJSONString(map('action', action)), '', '', toUInt32(0), ''
       FROM o WHERE (revoked_at IS NULL OR revoked_at >= expires_at) AND expires_at <= {now:DateTime64(3, 'UTC')}
     )
     WHERE at >= {from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
       AND (length({kinds:Array(String)}) = 0 OR kind IN {kinds:Array(String)})
       AND ({actor:String} = '' OR actor = {actor:String})
       AND ({subject:String} = '' OR position(subject, {subject:String}) > 0)
       AND (toUnixTimestamp64Milli(at), id) > ({after_ms:Int64}, {after_id:String})
     ORDER BY at, id
     LIMIT {limit:UInt32}`,
    {
      from: chTime(q.fromMs),
      to: chTime(q.toMs),
      now: chTime(q.nowMs),
      kinds: [...q.kinds],
      actor: q.actor,
      subject: q.subject,
      after_ms: q.after?.atMs ?? 0,
      after_id: q.after?.id ?? '',
      limit: q.limit,
    },
  );
  return data.map((r) => ({
    id: r.id,
    atMs: Number(r.at_ms),
    kind: r.kind,
    actor: r.actor,
    role: r.role,
    subject: r.subject,
    detail: r.detail,
    reason: r.reason,
    host: r.host,
    pid: Number(r.pid),
    checksum: r.checksum,
  }));
}
