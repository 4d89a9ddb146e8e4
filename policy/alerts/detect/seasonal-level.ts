import { median } from 'simple-statistics';
import type { AnomalyCondition } from '../rules/alert-rule-schema.ts';
import type { GroupWindows } from './evidence.ts';

/** A baseline day is rescaled by at most this factor either way (a 3× spike lasting the whole span stays news). */
export const LEVEL_CLAMP = [1 / 3, 3] as const;

/**
 * Multiplicative seasonal adjustment of a baseline (`level_span`): each baseline window is
 * rescaled by today's level against that day's — the value over `level_span` before today's
 * window divided by the same span before that baseline window, clamped to LEVEL_CLAMP — so a
 * Monday at 130 %, a weekend at 45 % or a holiday at 30 % of the usual day all become "today's
 * level × this time of day's shape" before the median is taken. (A plain median of the raw
 * windows sits on the lowest of the ordinary weekdays whenever weekend and holiday windows fill
 * the lower half, and its 1-minute samples are noisy: a low line.)
 * The source hands the windows in plan order (`planWindows`): `count` baseline windows, then
 * today's span, then the baseline spans; a missing span reads as zero. A baseline day without
 * spend in its span keeps its raw value; `level` (for the evidence) is today's span ÷ the median
 * of the others. Pure.
 */
export function withSeasonalLevel(c: AnomalyCondition, g: GroupWindows): GroupWindows {
  if (!c.level_span) return g;
  const count = c.baseline.count;
  const spans = g.baseline.slice(count).map((v) => v ?? 0);
  const today = spans[0] ?? 0;
  const before = spans.slice(1);
  const raw = g.baseline.slice(0, count);
  const positive = before.filter((v) => v > 0);
  if (positive.length === 0 || today <= 0) return { ...g, baseline: raw };
  const baseline = raw.map((v, i) => {
    const span = before[i] ?? 0;
    if (v === null || span <= 0) return v;
    return v * Math.min(LEVEL_CLAMP[1], Math.max(LEVEL_CLAMP[0], today / span));
  });
  return { ...g, baseline, level: today / median(positive) };
}
