import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { AlertStateName } from '../detect/alert-state.ts';
import type { AlertInstance } from '../detect/evaluate-rule.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import { fromChTime, chTime } from '../../row-reader.ts';
import type { AlertEventStore } from './alert-event-store.ts';

/** A stored evaluation row of alert_events_v1, as read back. */
interface EventRow {
  evaluated_at: string;
  fingerprint: string;
  rule: string;
  severity: AlertRule['severity'];
  group_labels: Record<string, string>;
  state: AlertStateName;
  since: string;
  active_since: string | null;
  has_evidence: boolean;
  value: number;
  threshold: number | string;
  baseline: number | null;
  spread: number | null;
  peer_fence: number | null;
  ratio: number | string;
  volume: string | number;
  series: Array<number | null>;
  detail?: string;
  level?: number | null;
}

/** Alert states in alert_events_v1: one row per alert per evaluation while not ok. */
export class ClickHouseAlertEventStore implements AlertEventStore {
  constructor(
    private readonly ch: ClickHouseClient,
    /** How far back an active alert is looked for at start, ms (longer than any pending + evaluation gap). */
    private readonly lookbackMs = 8 * 86_400_000,
    private readonly now: () => number = Date.now,
  ) {}

  async loadActive(): Promise<AlertInstance[]> {
    const r = await this.ch.query({
      query: `SELECT * FROM (
          SELECT * FROM alert_events_v1
          WHERE evaluated_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
          ORDER BY evaluated_at DESC LIMIT 1 BY fingerprint)
        WHERE state != 'ok'`,
      query_params: { from: this.now() - this.lookbackMs },
      format: 'JSONEachRow',
    });
    return (await r.json<EventRow>()).map(toInstance);
  }

  async record(instances: readonly AlertInstance[]): Promise<void> {
    if (instances.length === 0) return;
    await this.ch.insert({ table: 'alert_events_v1', format: 'JSONEachRow', values: instances.map(toRow) });
  }
}

function toRow(a: AlertInstance) {
  const s = a.state;
  const e = s.evidence;
  // JSON has no NaN/Infinity; ClickHouse reads these spellings into Float64.
  const num = (x: number) => (Number.isFinite(x) ? x : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  return {
    evaluated_at: chTime(s.evaluatedAt),
    fingerprint: a.fingerprint,
    rule: a.rule,
    severity: a.severity,
    group_labels: a.group,
    state: s.state,
    since: chTime(s.since),
    active_since: s.activeSince === null ? null : chTime(s.activeSince),
    has_evidence: e !== null,
    value: e?.value ?? 0,
    threshold: num(e?.threshold ?? Number.NaN),
    baseline: e?.baseline ?? null,
    spread: e?.spread ?? null,
    peer_fence: e?.peerFence ?? null,
    ratio: num(e?.ratio ?? 0),
    volume: Math.round(e?.volume ?? 0),
    series: e?.series ?? [],
    detail: e?.detail ?? '',
    level: e?.level ?? null,
  };
}

/** Reads a stored row back into an alert instance (evidence included). */
export function toInstance(r: EventRow): AlertInstance {
  const n = (x: number | string) => Number(x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x);
  return {
    fingerprint: r.fingerprint,
    rule: r.rule,
    severity: r.severity,
    group: r.group_labels,
    state: {
      state: r.state,
      since: fromChTime(r.since),
      activeSince: r.active_since ? fromChTime(r.active_since) : null,
      evaluatedAt: fromChTime(r.evaluated_at),
      evidence: r.has_evidence
        ? {
            value: r.value,
            volume: Number(r.volume),
            threshold: n(r.threshold),
            baseline: r.baseline,
            spread: r.spread,
            peerFence: r.peer_fence,
            ratio: n(r.ratio),
            sufficient: true,
            series: r.series,
            ...(r.detail ? { detail: r.detail } : {}),
            ...(r.level === null || r.level === undefined ? {} : { level: r.level }),
          }
        : null,
    },
  };
}

export type { EventRow };
