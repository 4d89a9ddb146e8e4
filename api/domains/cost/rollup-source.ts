import { badInput } from '../../api-errors.ts';
import type { TimeRange } from '../../schema/time-range.ts';

export type TimeBucket = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';

/** Which chargeback rollup answers a range, its time condition and bucket expression. */
export interface RollupSource {
  table: 'chargeback_per_hour_v2' | 'chargeback_per_day_v2';
  /** WHERE condition on the rollup's time column, with `{from}` / `{to}` bound. */
  timeSql: string;
  params: { from: string; to: string };
  /** Start of the row's bucket as UNIX seconds, or null without buckets. */
  bucketSql: string | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Day rollup when the range is whole UTC days and no hourly buckets are asked for (30× fewer
 * rows), else the hour rollup. Rollups have no finer grain, so a range must be whole hours.
 * Week buckets start on Monday (ISO 8601), month buckets on the 1st; a bucket only holds what
 * falls in [from, to).
 * @throws ApiError BAD_USER_INPUT naming `from` or `to` when not on a whole UTC hour
 */
export function rollupSource(range: TimeRange, bucket: TimeBucket | null | undefined): RollupSource {
  for (const [name, ms] of [
    ['from', range.fromMs],
    ['to', range.toMs],
  ] as const) {
    if (ms % HOUR_MS !== 0) throw badInput(name, 'cost reports read hourly and daily rollups: give a whole UTC hour (…T10:00:00Z)');
  }
  const daily = range.fromMs % DAY_MS === 0 && range.toMs % DAY_MS === 0 && bucket !== 'HOUR';
  const t = daily ? "toDateTime(day, 'UTC')" : 'hour';
  const bucketExpr: Record<TimeBucket, string> = {
    HOUR: `toStartOfHour(${t})`,
    DAY: `toStartOfDay(${t})`,
    WEEK: `toDateTime(toMonday(${t}), 'UTC')`,
    MONTH: `toDateTime(toStartOfMonth(${t}), 'UTC')`,
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  return daily
    ? {
        table: 'chargeback_per_day_v2',
        timeSql: 'day >= toDate({from:String}) AND day < toDate({to:String})',
        params: { from: iso(range.fromMs).slice(0, 10), to: iso(range.toMs).slice(0, 10) },
        bucketSql: bucket ? `toUnixTimestamp(${bucketExpr[bucket]})` : null,
      }
    : {
        table: 'chargeback_per_hour_v2',
        timeSql: "hour >= parseDateTimeBestEffort({from:String}, 'UTC') AND hour < parseDateTimeBestEffort({to:String}, 'UTC')",
        params: { from: iso(range.fromMs), to: iso(range.toMs) },
        bucketSql: bucket ? `toUnixTimestamp(${bucketExpr[bucket]})` : null,
      };
}
