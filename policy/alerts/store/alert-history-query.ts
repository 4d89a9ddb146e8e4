import type { RowReader } from '../../row-reader.ts';
import type { AlertStateName } from '../detect/alert-state.ts';
import type { AlertInstance } from '../detect/evaluate-rule.ts';
import { toInstance, type EventRow } from './clickhouse-alert-event-store.ts';

export interface AlertQuery {
  states: readonly AlertStateName[];
  rule?: string;
  /** With a range: every evaluation in [fromMs, toMs) (history); without: the newest per alert. */
  range?: { fromMs: number; toMs: number };
  /** Team scope: alerts whose `team` label is one of these (alerts without a team label are operational, shown to all). */
  teams: 'all' | readonly string[];
  /** How far back "newest per alert" looks, ms. */
  lookbackMs: number;
  nowMs: number;
  limit: number;
}

/** Alerts with their evidence, newest first: current states, or the history of a range. Bounded in time. */
export async function queryAlerts(rows: RowReader, q: AlertQuery): Promise<AlertInstance[]> {
  const fromMs = q.range?.fromMs ?? q.nowMs - q.lookbackMs;
  const toMs = q.range?.toMs ?? q.nowMs + 1;
  const scope = q.teams === 'all' ? '1' : `(group_labels['team'] IN {teams:Array(String)} OR NOT mapContains(group_labels, 'team'))`;
  const inner = `SELECT * FROM alert_events_v1
    WHERE evaluated_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND evaluated_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
      AND ({rule:String} = '' OR rule = {rule:String}) AND ${scope}`;
  const query = q.range
    ? `${inner} AND state IN {states:Array(String)} ORDER BY evaluated_at DESC LIMIT {limit:UInt32}`
    : `SELECT * FROM (${inner} ORDER BY evaluated_at DESC LIMIT 1 BY fingerprint) WHERE state IN {states:Array(String)} ORDER BY evaluated_at DESC LIMIT {limit:UInt32}`;
  const found = await rows<EventRow>(query, {
    from: fromMs,
    to: toMs,
    rule: q.rule ?? '',
    states: [...q.states],
    teams: q.teams === 'all' ? [] : [...q.teams],
    limit: q.limit,
  });
  return found.map(toInstance);
}
