import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { chTime, type RowReader } from '../row-reader.ts';
import type { LeaseHolder } from './lease-grant.ts';

/** One row of the grantor's book: a collector's lease on one subject in one period. */
export interface BookEntry extends LeaseHolder {
  budgetId: string;
  subject: string;
  periodStartMs: number;
  collector: string;
  reservedNano: number;
}

const SELECT = `SELECT budget_id, subject, toString(toUnixTimestamp64Milli(period_start)) AS period_ms, collector,
  toString(argMax(spent_nano, updated_at)) AS spent, toString(argMax(reserved_nano, updated_at)) AS reserved,
  toString(argMax(allowance_nano, updated_at)) AS allowance, toString(argMax(want_nano, updated_at)) AS want,
  toString(toUnixTimestamp64Milli(max(updated_at))) AS updated_ms
  FROM budget_leases_v1`;

interface Row {
  budget_id: string;
  subject: string;
  period_ms: string;
  collector: string;
  spent: string;
  reserved: string;
  allowance: string;
  want: string;
  updated_ms: string;
}

const toEntry = (r: Row): BookEntry => ({
  budgetId: r.budget_id,
  subject: r.subject,
  periodStartMs: Number(r.period_ms),
  collector: r.collector,
  spentNano: Number(r.spent),
  reservedNano: Number(r.reserved),
  allowanceNano: Number(r.allowance),
  wantNano: Number(r.want),
  updatedAtMs: Number(r.updated_ms),
});

/** Every entry of periods that started at or after `sinceMs` (the grantor's recovery after a restart). */
export async function readBook(rows: RowReader, sinceMs: number): Promise<BookEntry[]> {
  const found = await rows<Row>(`${SELECT} WHERE period_start >= {since:DateTime64(3, 'UTC')} GROUP BY budget_id, subject, period_start, collector`, {
    since: chTime(sinceMs),
  });
  return found.map(toEntry);
}

/** Writes entries before their grants are answered, so a restarted grantor never grants twice. */
export async function writeBook(client: ClickHouseClient, entries: BookEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.insert({
    table: 'budget_leases_v1',
    format: 'JSONEachRow',
    values: entries.map((e) => ({
      budget_id: e.budgetId,
      subject: e.subject,
      period_start: chTime(e.periodStartMs),
      collector: e.collector,
      spent_nano: e.spentNano,
      reserved_nano: e.reservedNano,
      allowance_nano: e.allowanceNano,
      want_nano: e.wantNano,
      updated_at: chTime(e.updatedAtMs),
    })),
  });
}
