import { levelSpanMs } from '../detect/level-day.ts';
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
    // Seasonal level: the span before today's window, then the same hours before each baseline
    // window. It starts no earlier than today's midnight in the team's zone: the hours before it
    // belong to yesterday, whose level (a Sunday evening before a Monday) is not today's. Too
    // little of today yet: no spans, and the baseline stays unscaled.
    const span = c.level_span ? levelSpanMs(c.level_span, c.time_zone, end - rule.window) : 0;
    if (span > 0) {
      for (let n = 0; n <= c.baseline.count; n++) {
        const e = end - rule.window - n * c.baseline.every;
        windows.push({ startMs: e - span, endMs: e });
      }
    }
  }
  return windows;
}

/** The span a source must read for a plan: from the oldest window's start to the current end. */
export function planSpan(windows: readonly TimeWindow[]): TimeWindow {
  return { startMs: Math.min(...windows.map((w) => w.startMs)), endMs: Math.max(...windows.map((w) => w.endMs)) };
}
