import { badInput } from '../../api/api-errors.ts';
import { readTimeRange } from '../../api/schema/time-range.ts';
import type { FocusExportRequest, FocusFormat } from './focus-export.ts';
import type { ChargePeriod } from './focus-query.ts';

/** The longest export, days: a year of daily rows is still a file finance can open. */
export const MAX_EXPORT_DAYS = 366;

const PERIOD_MS: Record<ChargePeriod, number> = { hour: 3_600_000, day: 86_400_000 };

/**
 * The file format of an export or its metadata: csv (the default when absent) or parquet.
 * @throws ApiError BAD_USER_INPUT naming `format`
 */
export function readFocusFormat(value: unknown): FocusFormat {
  const format = value ?? 'csv';
  if (format !== 'csv' && format !== 'parquet') throw badInput('format', `csv or parquet, got ${JSON.stringify(value)}`);
  return format;
}

/**
 * Validates an export request from the CLI or HTTP: strict ISO-8601 UTC bounds on whole charge
 * periods, a known format and period. Team scope is added by the caller from its grant.
 * @throws ApiError BAD_USER_INPUT naming the argument (from, to, format, period)
 */
export function readFocusRequest(args: { from: unknown; to: unknown; format?: unknown; period?: unknown }): Omit<FocusExportRequest, 'teams'> {
  const range = readTimeRange(args, MAX_EXPORT_DAYS);
  const format = readFocusFormat(args.format);
  const period = (args.period ?? 'day') as ChargePeriod;
  if (period !== 'day' && period !== 'hour') throw badInput('period', `day or hour, got ${JSON.stringify(args.period)}`);
  for (const [name, ms] of [
    ['from', range.fromMs],
    ['to', range.toMs],
  ] as const) {
    if (ms % PERIOD_MS[period] !== 0)
      throw badInput(
        name,
        `charge periods are whole UTC ${period}s: give ${period === 'hour' ? 'an' : 'a'} ${period} boundary${period === 'day' ? ' like 2026-11-01' : ' like 2026-11-01T10:00:00Z'}`,
      );
  }
  return { range, period, format };
}
