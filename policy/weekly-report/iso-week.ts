import { ConfigError } from '../../core/errors.ts';

/** An ISO-8601 week: Monday 00:00 UTC to the next Monday, half-open, in ms since the epoch. */
export interface IsoWeek {
  /** `YYYY-Www`, e.g. 2026-W48. */
  label: string;
  fromMs: number;
  toMs: number;
}

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of ISO week 1 of `year`: the week holding 4 January. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * 86_400_000;
}

/** Parses `YYYY-Www`; throws ConfigError naming the value when it is not a week of that year. */
export function parseIsoWeek(text: string): IsoWeek {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) throw new ConfigError(`--week must look like 2026-W48 (ISO year and week), not "${text}"`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const weeks = isoWeekOf(week1Monday(year + 1) - 1).label === `${year}-W53` ? 53 : 52;
  if (week < 1 || week > weeks) throw new ConfigError(`--week: ${year} has weeks 01 to ${weeks}, not ${m[2]}`);
  const fromMs = week1Monday(year) + (week - 1) * WEEK_MS;
  return { label: text, fromMs, toMs: fromMs + WEEK_MS };
}

/** The ISO week holding an instant. */
export function isoWeekOf(ms: number): IsoWeek {
  const day = Math.floor(ms / 86_400_000) * 86_400_000;
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * 86_400_000;
  // The ISO year is the year of the week's Thursday.
  const year = new Date(monday + 3 * 86_400_000).getUTCFullYear();
  const week = Math.round((monday - week1Monday(year)) / WEEK_MS) + 1;
  return { label: `${year}-W${String(week).padStart(2, '0')}`, fromMs: monday, toMs: monday + WEEK_MS };
}

/** The week before. */
export function previousWeek(w: IsoWeek): IsoWeek {
  return isoWeekOf(w.fromMs - 1);
}
