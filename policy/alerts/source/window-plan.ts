import type { AlertRule } from '../rules/alert-rule-schema.ts';

/** A half-open time range [startMs, endMs). */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/**
 * The windows a rule reads at `now`: index 0 is the current window, ending at the last complete
 * minute; index n ≥ 1 is the baseline window ending n × baseline.every earlier. Static rules read
 * only the current window; with `level_span` the level spans follow (detect/seasonal-level.ts).
 * The partial minute in progress is never read, so a value does not
 * dip just because its minute is still filling.
 */
export function planWindows(rule: AlertRule, nowMs: number): TimeWindow[] {
  const end = Math.floor(nowMs / 60_000) * 60_000;
  const windows: TimeWindow[] = [{ startMs: end - rule.window, endMs: end }];
  const c = rule.condition;
  if (c.type === 'anomaly') {
    for (let n = 1; n <= c.baseline.count; n++) {
      const e = end - n * c.baseline.every;
      windows.push({ startMs: e - rule.window, endMs: e });
    }
    // Seasonal level: the span before today's window, then before each baseline window.
    if (c.level_span) {
      for (let n = 0; n <= c.baseline.count; n++) {
        const e = end - rule.window - n * c.baseline.every;
        windows.push({ startMs: e - c.level_span, endMs: e });
      }
    }
  }
  return windows;
}

/** The span a source must read for a plan: from the oldest window's start to the current end. */
export function planSpan(windows: readonly TimeWindow[]): TimeWindow {
  return { startMs: Math.min(...windows.map((w) => w.startMs)), endMs: Math.max(...windows.map((w) => w.endMs)) };
}
