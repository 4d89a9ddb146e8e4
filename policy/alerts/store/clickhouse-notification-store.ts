import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { NotifiedEntry } from '../notify/needs-update.ts';
import type { Notification, NoticeAlert } from '../notify/notice.ts';
import { clientRows, fromChTime, chTime, type RowReader } from '../../row-reader.ts';
import type { DeadLetter, DeliveryTry, NotificationStore, OpenGroup } from './notification-store.ts';

interface EntryRow {
  receiver: string;
  group_key: string;
  group_labels: Record<string, string>;
  idempotency_key: string;
  firing: string[];
  resolved: string[];
  notified_at: string;
  alerts: string;
}

/**
 * The notification log, delivery log and dead letters in ClickHouse (alert_notifications_v1,
 * alert_deliveries_v1, alert_dead_letters_v1). The newest log entry per group is cached after
 * the first read; this process is the only writer.
 */
export class ClickHouseNotificationStore implements NotificationStore {
  private readonly cache = new Map<string, NotifiedEntry | null>();

  /** `rows` runs the reads (the API passes its read-only, time-boxed reader); writes go through `ch`. */
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly rows: RowReader = clientRows(ch),
  ) {}

  private read(o: { query: string; query_params?: Record<string, unknown> }): Promise<unknown[]> {
    return this.rows<unknown>(o.query, o.query_params ?? {});
  }

  async lastEntry(receiver: string, groupKey: string): Promise<NotifiedEntry | null> {
    const key = `${receiver}\n${groupKey}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const rows = await this.latestEntries({ receiver, groupKey });
    const entry = rows[0] ? toEntry(rows[0]) : null;
    this.cache.set(key, entry);
    return entry;
  }

  async openGroups(): Promise<OpenGroup[]> {
    const rows = (await this.latestEntries({})).filter((r) => r.firing.length > 0);
    return rows.map((r) => ({
      receiver: r.receiver,
      groupKey: r.group_key,
      groupLabels: r.group_labels,
      entry: toEntry(r),
      alerts: (JSON.parse(r.alerts) as NoticeAlert[]).filter((a) => a.status === 'firing'),
    }));
  }

  async recordNotified(n: Notification, entry: NotifiedEntry): Promise<void> {
    await this.ch.insert({
      table: 'alert_notifications_v1',
      format: 'JSONEachRow',
      values: [
        {
          notified_at: chTime(entry.notifiedAt),
          receiver: n.receiver,
          group_key: n.groupKey,
          group_labels: n.groupLabels,
          idempotency_key: n.idempotencyKey,
          reason: n.reason,
          firing: entry.firing,
          resolved: entry.resolved,
          alerts: JSON.stringify([...n.firing, ...n.resolved]),
        },
      ],
    });
    this.cache.set(`${n.receiver}\n${n.groupKey}`, entry);
  }

  async wasDelivered(key: string): Promise<boolean> {
    const r = await this.read({
      query: `SELECT count() AS n FROM alert_deliveries_v1 WHERE idempotency_key = {key:String} AND outcome = 'delivered'`,
      query_params: { key },
    });
    return Number((r as Array<{ n: string }>)[0]?.n ?? 0) > 0;
  }

  async recordTry(t: DeliveryTry): Promise<void> {
    await this.ch.insert({
      table: 'alert_deliveries_v1',
      format: 'JSONEachRow',
      values: [
        {
          tried_at: chTime(t.triedAt),
          idempotency_key: t.idempotencyKey,
          receiver: t.receiver,
          receiver_type: t.receiverType,
          endpoint_id: t.endpointId,
          group_key: t.groupKey,
          try_no: t.tryNo,
          outcome: t.outcome,
          http_status: t.httpStatus,
          latency_ms: t.latencyMs,
          detail: t.detail,
        },
      ],
    });
  }

  async recordDeadLetter(d: DeadLetter): Promise<void> {
    await this.ch.insert({
      table: 'alert_dead_letters_v1',
      format: 'JSONEachRow',
      values: [
        {
          idempotency_key: d.idempotencyKey,
          dead_at: chTime(d.deadAt),
          receiver: d.receiver,
          group_key: d.groupKey,
          reason: d.reason,
          tries: d.tries,
          notification: JSON.stringify(d.notification),
          resent_at: d.resentAt === null ? null : chTime(d.resentAt),
          resend_outcome: d.resendOutcome,
          version: Math.max(d.deadAt, d.resentAt ?? 0),
        },
      ],
    });
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const r = await this.read({
      query: `SELECT * FROM alert_dead_letters_v1 FINAL ORDER BY dead_at DESC LIMIT {limit:UInt32}`,
      query_params: { limit },
    });
    type Row = {
      idempotency_key: string;
      dead_at: string;
      receiver: string;
      group_key: string;
      reason: string;
      tries: number;
      notification: string;
      resent_at: string | null;
      resend_outcome: string;
    };
    return (r as Row[]).map((x) => ({
      idempotencyKey: x.idempotency_key,
      deadAt: fromChTime(x.dead_at),
      receiver: x.receiver,
      groupKey: x.group_key,
      reason: x.reason,
      tries: Number(x.tries),
      notification: JSON.parse(x.notification) as Notification,
      resentAt: x.resent_at ? fromChTime(x.resent_at) : null,
      resendOutcome: x.resend_outcome,
    }));
  }

  async deliveries(f: { receiver?: string; sinceMs: number; limit: number }): Promise<DeliveryTry[]> {
    const r = await this.read({
      query: `SELECT * FROM alert_deliveries_v1
        WHERE tried_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC') AND ({receiver:String} = '' OR receiver = {receiver:String})
        ORDER BY tried_at DESC LIMIT {limit:UInt32}`,
      query_params: { since: f.sinceMs, receiver: f.receiver ?? '', limit: f.limit },
    });
    type Row = {
      tried_at: string;
      idempotency_key: string;
      receiver: string;
      receiver_type: 'slack' | 'webhook';
      endpoint_id: string;
      group_key: string;
      try_no: number;
      outcome: DeliveryTry['outcome'];
      http_status: number | null;
      latency_ms: number;
      detail: string;
    };
    return (r as Row[]).map((x) => ({
      triedAt: fromChTime(x.tried_at),
      idempotencyKey: x.idempotency_key,
      receiver: x.receiver,
      receiverType: x.receiver_type,
      endpointId: x.endpoint_id,
      groupKey: x.group_key,
      tryNo: Number(x.try_no),
      outcome: x.outcome,
      httpStatus: x.http_status === null ? null : Number(x.http_status),
      latencyMs: Number(x.latency_ms),
      detail: x.detail,
    }));
  }

  /** The newest entry per (receiver, group), optionally for one group. */
  private async latestEntries(f: { receiver?: string; groupKey?: string }): Promise<EntryRow[]> {
    const r = await this.read({
      query: `SELECT receiver, group_key, group_labels, idempotency_key, firing, resolved, notified_at, alerts
        FROM alert_notifications_v1
        WHERE ({receiver:String} = '' OR receiver = {receiver:String}) AND ({group:String} = '' OR group_key = {group:String})
        ORDER BY notified_at DESC
        LIMIT 1 BY receiver, group_key`,
      query_params: { receiver: f.receiver ?? '', group: f.groupKey ?? '' },
    });
    return r as EntryRow[];
  }
}

function toEntry(r: EntryRow): NotifiedEntry {
  return { firing: r.firing, resolved: r.resolved, notifiedAt: fromChTime(r.notified_at), idempotencyKey: r.idempotency_key };
}
