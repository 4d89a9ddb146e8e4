/**
 * Forecast to period end: the period's run rate so far, shaped by the daily pattern of spend.
 * Formula: forecast = spent + spent × mass(now, end) ÷ mass(start, now), where mass(a, b) is the
 * integral of the hour-of-day weights over [a, b) — a plain run rate when the weights are flat.
 * Pure: amounts in integer nanodollars, time as UTC milliseconds, no clock read.
 */

const HOUR_MS = 3_600_000;

/** 24 weights by UTC hour of day, mean 1: how much busier than average each hour usually is. */
export type DailyPattern = readonly number[];

export const flatPattern: DailyPattern = Array.from({ length: 24 }, () => 1);

/**
 * The pattern from spend per hour of day (say, the last 7 days summed by hour), smoothed halfway
 * to flat so a few quiet nights cannot make a forecast explode; flat when there is no history.
 */
export function dailyPattern(spendByHour: readonly number[]): DailyPattern {
  const total = spendByHour.reduce((a, b) => a + b, 0);
  if (spendByHour.length !== 24 || total <= 0) return flatPattern;
  const mean = total / 24;
  return spendByHour.map((s) => (s + mean) / (2 * mean));
}

/** Integral of the pattern over [fromMs, toMs), in pattern-weighted hours. */
export function patternMass(pattern: DailyPattern, fromMs: number, toMs: number): number {
  let mass = 0;
  for (let t = fromMs; t < toMs;) {
    const hourEnd = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
    const until = Math.min(hourEnd, toMs);
    mass += ((until - t) / HOUR_MS) * pattern[new Date(t).getUTCHours()]!;
    t = until;
  }
  return mass;
}

export interface BudgetForecast {
  /** Average spend per hour since the period began, nanodollars. */
  burnRatePerHourNano: number;
  /** Expected spend at period end, nanodollars. */
  forecastNano: number;
}

export function forecastSpend(
  spentNano: number,
  period: { startMs: number; endMs: number },
  nowMs: number,
  pattern: DailyPattern = flatPattern,
): BudgetForecast {
  const now = Math.min(Math.max(nowMs, period.startMs), period.endMs);
  const elapsedHours = (now - period.startMs) / HOUR_MS;
  const burnRatePerHourNano = elapsedHours > 0 ? Math.round(spentNano / elapsedHours) : 0;
  const elapsed = patternMass(pattern, period.startMs, now);
  // Under a minute of history says nothing about the rest of the period.
  if (now - period.startMs < 60_000 || elapsed <= 0) return { burnRatePerHourNano, forecastNano: spentNano };
  return { burnRatePerHourNano, forecastNano: Math.round(spentNano + (spentNano * patternMass(pattern, now, period.endMs)) / elapsed) };
}

export type BudgetStatusLevel = 'ok' | 'warning' | 'exceeded' | 'forecast_exceeded';

/**
 * Thresholds crossed going from `beforeNano` to `nowNano` spend (shares of `softNano`), ascending.
 * A threshold counts as crossed when spend reaches it exactly.
 */
export function crossedThresholds(beforeNano: number, nowNano: number, softNano: number, thresholds: readonly number[]): number[] {
  return thresholds.filter((t) => beforeNano < t * softNano && nowNano >= t * softNano);
}

/** The one-word state shown in the API: exceeded at the hard limit, warning past the first threshold. */
export function statusLevel(spentNano: number, forecastNano: number, limitNano: number, softNano: number, thresholds: readonly number[]): BudgetStatusLevel {
  if (spentNano >= limitNano) return 'exceeded';
  if (spentNano >= thresholds[0]! * softNano) return 'warning';
  if (forecastNano > limitNano) return 'forecast_exceeded';
  return 'ok';
}
