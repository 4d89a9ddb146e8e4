import type { CalendarBudget } from '../../collector/budget/budget-definition.ts';
import type { PeriodBounds } from '../../collector/budget/budget-period.ts';
import { chTime, type RowReader } from '../row-reader.ts';

/** The chargeback column each scope counts by; `org` counts everything as one subject. */
const SUBJECT_COLUMN: Record<CalendarBudget['scope'], string> = {
  org: "''",
  team: 'team',
  project: 'project',
  feature: 'feature',
  user: 'user',
  key: 'api_key_id',
};

/**
 * Exact decimal USD text to integer nanodollars, rounded up (spend is never understated).
 * @throws RangeError on text that is not a non-negative decimal
 */
export function usdTextToNano(text: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal USD amount: ${JSON.stringify(text)}`);
  const frac = (m[2] ?? '').padEnd(9, '0');
  const roundUp = /[1-9]/.test(frac.slice(9)) ? 1 : 0;
  return Number(m[1]) * 1e9 + Number(frac.slice(0, 9)) + roundUp;
}

/** Integer nanodollars as exact decimal USD text. */
export function nanoToUsdText(nano: number): string {
  const n = Math.max(0, Math.round(nano));
  return `${Math.floor(n / 1e9)}.${String(n % 1e9).padStart(9, '0')}`;
}

/**
 * Spend of record per subject in a period, from the hourly chargeback rollup (exact sums).
 * Hours are UTC: a period starting off the hour (a zone with a :30 offset) also counts the part
 * of its first hour before it began — budgets err towards spent, never towards free.
 */
export async function spendBySubject(rows: RowReader, budget: CalendarBudget, period: PeriodBounds): Promise<Map<string, number>> {
  const column = SUBJECT_COLUMN[budget.scope];
  const filter = budget.scope !== 'org' && budget.match !== '*' ? `AND ${column} = {match:String}` : '';
  const found = await rows<{ subject: string; spent: string }>(
    `SELECT ${column} AS subject, toString(sum(cost_usd)) AS spent FROM chargeback_per_hour_v2
     WHERE hour >= toStartOfHour({start:DateTime64(3, 'UTC')}) AND hour < {end:DateTime64(3, 'UTC')} ${filter}
     GROUP BY subject`,
    { start: chTime(period.startMs), end: chTime(period.endMs), match: budget.match },
  );
  return new Map(found.filter((r) => budget.scope === 'org' || r.subject !== '').map((r) => [r.subject, usdTextToNano(r.spent)]));
}

/** Spend by UTC hour of day over the 7 days before `nowMs`, for the forecast's daily pattern. */
export async function spendByHourOfDay(rows: RowReader, budget: CalendarBudget, subject: string, nowMs: number): Promise<number[]> {
  const column = SUBJECT_COLUMN[budget.scope];
  const filter = budget.scope === 'org' ? '' : `AND ${column} = {subject:String}`;
  const found = await rows<{ h: number; spent: string }>(
    `SELECT toHour(hour) AS h, toString(sum(cost_usd)) AS spent FROM chargeback_per_hour_v2
     WHERE hour >= {from:DateTime64(3, 'UTC')} AND hour < {to:DateTime64(3, 'UTC')} ${filter} GROUP BY h`,
    { from: chTime(nowMs - 7 * 86_400_000), to: chTime(nowMs), subject },
  );
  const out = Array.from({ length: 24 }, () => 0);
  for (const r of found) out[r.h] = usdTextToNano(r.spent);
  return out;
}
