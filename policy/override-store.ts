import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { OperatorOverride, OverrideAction } from './operator-overrides.ts';
import { chTime, fromChTime, type RowReader } from './row-reader.ts';

/** A new override as an operator asks for it. */
export type OverrideRequest = Omit<OperatorOverride, 'id' | 'createdAtMs' | 'revokedAtMs'>;

/** Stores a new override effective at `nowMs`; returns it with its id. */
export async function createOverride(client: ClickHouseClient, req: OverrideRequest, nowMs: number): Promise<OperatorOverride> {
  const o: OperatorOverride = { id: randomUUID(), ...req, createdAtMs: nowMs, revokedAtMs: null };
  await client.insert({ table: 'routing_overrides_v1', format: 'JSONEachRow', values: [toRow(o, nowMs, '', '')] });
  return o;
}

/** Lifts an override before its expiry (a new row version); returns the lifted override. */
export async function revokeOverride(client: ClickHouseClient, o: OperatorOverride, actor: string, reason: string, nowMs: number): Promise<OperatorOverride> {
  const revoked = { ...o, revokedAtMs: nowMs };
  await client.insert({ table: 'routing_overrides_v1', format: 'JSONEachRow', values: [toRow(revoked, nowMs, actor, reason)] });
  return revoked;
}

function toRow(o: OperatorOverride, updatedAtMs: number, revokedBy: string, revokeReason: string) {
  return {
    override_id: o.id,
    updated_at: chTime(updatedAtMs),
    route: o.route,
    deployment: o.deployment,
    action: o.action,
    share: o.share,
    actor: o.actor,
    reason: o.reason,
    created_at: chTime(o.createdAtMs),
    expires_at: chTime(o.expiresAtMs),
    revoked_at: o.revokedAtMs === null ? null : chTime(o.revokedAtMs),
    revoked_by: revokedBy,
    revoke_reason: revokeReason,
  };
}

type Row = {
  id: string;
  o_route: string;
  o_deployment: string;
  o_action: OverrideAction;
  o_share: number | null;
  o_actor: string;
  o_reason: string;
  o_created_at: string;
  o_expires_at: string;
  o_revoked_at: string | null;
};

/**
 * Overrides (newest version of each) that are or were in force during [fromMs, toMs]: created
 * before `toMs` and expiring after `fromMs`. Bounded by time like every read.
 */
export async function readOverrides(rows: RowReader, fromMs: number, toMs: number, id?: string): Promise<OperatorOverride[]> {
  const found = await rows<Row>(
    `SELECT toString(override_id) AS id, argMax(route, updated_at) AS o_route, argMax(deployment, updated_at) AS o_deployment,
       argMax(action, updated_at) AS o_action, argMax(share, updated_at) AS o_share, argMax(actor, updated_at) AS o_actor,
       argMax(reason, updated_at) AS o_reason, toString(argMax(created_at, updated_at)) AS o_created_at,
       toString(argMax(expires_at, updated_at)) AS o_expires_at, toString(argMax(revoked_at, updated_at)) AS o_revoked_at
     FROM routing_overrides_v1
     WHERE created_at <= {to:DateTime64(3, 'UTC')} AND expires_at > {from:DateTime64(3, 'UTC')}
       AND ({id:String} = '' OR toString(override_id) = {id:String})
     GROUP BY override_id
     ORDER BY o_created_at`,
    { from: chTime(fromMs), to: chTime(toMs), id: id ?? '' },
  );
  return found.map((r) => ({
    id: r.id,
    route: r.o_route,
    deployment: r.o_deployment,
    action: r.o_action,
    share: r.o_share === null ? null : Number(r.o_share),
    actor: r.o_actor,
    reason: r.o_reason,
    createdAtMs: fromChTime(r.o_created_at),
    expiresAtMs: fromChTime(r.o_expires_at),
    // toString of a NULL DateTime64 is NULL; some versions give the text 'NULL' or '\\N'.
    revokedAtMs: r.o_revoked_at === null || r.o_revoked_at === '' || r.o_revoked_at === 'NULL' || r.o_revoked_at === '\\N' ? null : fromChTime(r.o_revoked_at),
  }));
}
