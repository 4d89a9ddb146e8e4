import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';

/**
 * SQL that tags a row with the 1-based index of the window its time falls in (0: none), reading
 * the bound parameters `starts` and `ends` that `windowParams` gives.
 */
export function windowIndexSql(timeColumn: string): string {
  return `arrayFirstIndex((s, e) -> ${timeColumn} >= s AND ${timeColumn} < e, {starts:Array(DateTime('UTC'))}, {ends:Array(DateTime('UTC'))})`;
}

/** Bound parameters of a plan: every window's bounds and the span (`from`, `to`), seconds. */
export function windowParams(windows: readonly TimeWindow[]): Record<string, unknown> {
  const secs = (ms: number) => Math.floor(ms / 1000);
  return {
    starts: windows.map((w) => secs(w.startMs)),
    ends: windows.map((w) => secs(w.endMs)),
    from: secs(Math.min(...windows.map((w) => w.startMs))),
    to: secs(Math.max(...windows.map((w) => w.endMs))),
  };
}

/**
 * `AND column IN {fN:Array(String)}` per filter, with its parameters. `columnOf` maps a rule
 * dimension to its column (dimension names come from the fixed list; values are bound).
 */
export function filterSql(filters: AlertRule['filters'], columnOf: (dimension: string) => string = (d) => d) {
  const entries = Object.entries(filters);
  return {
    sql: entries.map(([d], i) => `AND ${columnOf(d)} IN {f${i}:Array(String)}`).join(' '),
    params: Object.fromEntries(entries.map(([, v], i) => [`f${i}`, Array.isArray(v) ? v : [v]])),
  };
}
