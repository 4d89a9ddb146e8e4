import { badInput } from '../../api-errors.ts';
import { readTimeRange, type TimeRange } from '../../schema/time-range.ts';
import type { LatencyDimension } from './latency-dimensions.ts';

export const reportWindows = { LAST_5M: 5 * 60_000, LAST_1H: 3_600_000, LAST_24H: 86_400_000 } as const;
export type ReportWindow = keyof typeof reportWindows;

/** Arguments every latency and goodput report takes. */
export interface ReportArgs {
  window?: ReportWindow | null;
  from?: unknown;
  to?: unknown;
  groupBy: LatencyDimension[];
  bucketSeconds?: number | null;
  teams?: string[] | null;
}

/** The longest range a latency or goodput report may span, days. */
export const MAX_REPORT_DAYS = 31;
const MAX_BUCKETS = 2000;
const MINUTE_MS = 60_000;

export interface ReportRange extends TimeRange {
  /** Bucket length, s (a whole number of minutes); null: one row per group over the whole range. */
  bucketS: number | null;
}

/**
 * A report's range: a window ending now, or [from, to); rounded out to whole minutes (the
 * rollup's grain), with an optional bucket of whole minutes.
 * @throws ApiError BAD_USER_INPUT naming the argument at fault
 */
export function readReportRange(
  args: { window?: ReportWindow | null; from?: unknown; to?: unknown; bucketSeconds?: number | null },
  nowMs: number,
): ReportRange {
  if (args.window && (args.from || args.to)) throw badInput('window', 'give either window or from/to, not both');
  if (!args.window && args.from == null && args.to == null)
    throw badInput('window', `is required, or from and to instead: one of ${Object.keys(reportWindows).join(', ')}, or an ISO-8601 UTC range`);
  const raw = args.window ? { fromMs: nowMs - reportWindows[args.window], toMs: nowMs } : readTimeRange({ from: args.from, to: args.to }, MAX_REPORT_DAYS);
  const range = { fromMs: Math.floor(raw.fromMs / MINUTE_MS) * MINUTE_MS, toMs: Math.ceil(raw.toMs / MINUTE_MS) * MINUTE_MS };
  const bucketS = args.bucketSeconds ?? null;
  if (bucketS !== null) {
    if (!Number.isInteger(bucketS) || bucketS < 60 || bucketS % 60 !== 0)
      throw badInput('bucketSeconds', 'must be a whole number of minutes in seconds (60, 300, 3600…): the rollup is per minute');
    if ((range.toMs - range.fromMs) / 1000 / bucketS > MAX_BUCKETS) throw badInput('bucketSeconds', `gives more than ${MAX_BUCKETS} buckets over this range`);
  }
  return { ...range, bucketS };
}
