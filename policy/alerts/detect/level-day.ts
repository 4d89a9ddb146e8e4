import { periodBounds } from '../../../collector/budget/budget-period.ts';

/**
 * A level span shorter than this (the day in the team's time zone has just begun) says too little
 * about today's level: the baseline is then used unscaled rather than scaled by a few noisy minutes.
 */
export const MIN_LEVEL_SPAN_MS = 10 * 60_000;

/**
 * The level span before a window starting at `windowStartMs`: at most `levelSpanMs`, never
 * before midnight of that day in `timeZone` (the budgets' calendar, DST days included). Returns
 * its length in ms, or 0 when less than MIN_LEVEL_SPAN_MS of the day has passed. Pure.
 */
export function levelSpanMs(levelSpanMs: number, timeZone: string, windowStartMs: number): number {
  const dayStart = periodBounds('day', timeZone, windowStartMs).startMs;
  const span = Math.min(levelSpanMs, windowStartMs - dayStart);
  return span >= MIN_LEVEL_SPAN_MS ? span : 0;
}

/** True when `tz` is an IANA zone the calendar can use (rule validation). */
export function isUsableTimeZone(tz: string): boolean {
  try {
    periodBounds('day', tz, 0);
    return true;
  } catch {
    return false;
  }
}
