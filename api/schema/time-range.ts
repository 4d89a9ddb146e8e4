import { badInput } from '../api-errors.ts';
import { parseIsoUtc } from './scalars.ts';

/** A half-open UTC interval [from, to), milliseconds since the epoch. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;

/**
 * Validates a `from`/`to` pair: both strict ISO-8601 UTC, `from` before `to`, and at most
 * `maxDays` apart (the guard rail that bounds every scan).
 * @throws ApiError BAD_USER_INPUT naming the argument at fault
 */
export function readTimeRange(
  args: { from: unknown; to: unknown },
  maxDays: number,
  names: { from: string; to: string } = { from: 'from', to: 'to' },
): TimeRange {
  const fromMs = parseIsoUtc(args.from, names.from);
  const toMs = parseIsoUtc(args.to, names.to);
  if (toMs <= fromMs) throw badInput(names.to, `must be after ${names.from} (the range is [${names.from}, ${names.to}), half-open)`);
  if (toMs - fromMs > maxDays * DAY_MS) throw badInput(names.to, `the range may span at most ${maxDays} days; split the query`);
  return { fromMs, toMs };
}

/** ClickHouse DateTime64(3) parameter text for an instant ("2026-11-01 00:00:00.000"). */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
