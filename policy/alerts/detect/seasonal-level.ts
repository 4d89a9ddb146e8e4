import { median } from 'simple-statistics';
import type { AnomalyCondition } from '../rules/alert-rule-schema.ts';
import type { GroupWindows } from './evidence.ts';

/** Today's level is trusted within this band of the baseline days' (a 3× spike stays news on a busy day). */
export const LEVEL_CLAMP = [0.5, 1.5] as const;

/**
 * Splits the level windows off a group's baseline and turns them into today's level factor:
 * the value over `level_span` before the current window, divided by the median of the same span
 * before each baseline window, clamped to LEVEL_CLAMP. The source hands the windows in plan
 * order (`planWindows`): `count` baseline windows, then today's span, then the baseline spans.
 * A missing span reads as zero (additive metrics); with no baseline span above zero the factor is 1.
 * Pure.
 */
export function withSeasonalLevel(c: AnomalyCondition, g: GroupWindows): GroupWindows {
  if (!c.level_span) return g;
  const count = c.baseline.count;
  const spans = g.baseline.slice(count).map((v) => v ?? 0);
  const baseline = g.baseline.slice(0, count);
  const today = spans[0] ?? 0;
  const before = spans.slice(1).filter((v) => v > 0);
  if (before.length === 0) return { ...g, baseline };
  const factor = Math.min(LEVEL_CLAMP[1], Math.max(LEVEL_CLAMP[0], today / median(before)));
  return { ...g, baseline, level: factor };
}
