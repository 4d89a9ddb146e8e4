import type { BudgetPeriod } from './budget-definition.ts';

/** A calendar period as UTC milliseconds, [startMs, endMs). */
export interface PeriodBounds {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at `utcMs`, as if it were UTC (so Date.UTC arithmetic applies). */
function wallClock(timeZone: string, utcMs: number): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/**
 * The UTC instant of a wall-clock midnight in the zone. Midnights that a DST jump skips (a few
 * zones switch at 00:00) resolve to the first instant after the gap.
 */
function midnightToUtc(timeZone: string, wallMidnight: number): number {
  const guess = wallMidnight - (wallClock(timeZone, wallMidnight) - wallMidnight);
  const corrected = wallMidnight - (wallClock(timeZone, guess) - guess);
  return wallClock(timeZone, corrected) === wallMidnight ? corrected : Math.max(guess, corrected);
}

/**
 * The day, week (Monday to Monday) or month containing `nowMs` in `timeZone`. Pure: DST days are
 * 23 or 25 hours long, months their calendar length.
 */
export function periodBounds(period: BudgetPeriod, timeZone: string, nowMs: number): PeriodBounds {
  const wall = new Date(wallClock(timeZone, nowMs));
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth();
  const d = wall.getUTCDate();
  let start: number;
  let end: number;
  if (period === 'day') {
    start = Date.UTC(y, m, d);
    end = Date.UTC(y, m, d + 1);
  } else if (period === 'week') {
    const sinceMonday = (wall.getUTCDay() + 6) % 7;
    start = Date.UTC(y, m, d - sinceMonday);
    end = start + 7 * DAY_MS;
  } else {
    start = Date.UTC(y, m, 1);
    end = Date.UTC(y, m + 1, 1);
  }
  return { startMs: midnightToUtc(timeZone, start), endMs: midnightToUtc(timeZone, end) };
}
