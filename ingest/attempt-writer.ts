import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { parseAttemptEvent } from '../core/events/attempt-event.ts';
import type { AttemptBatchHandler, RawAttemptMessage } from '../core/transport/event-bus.ts';
import { toAttemptRow, type AttemptRow } from './attempt-row.ts';

export interface AttemptWriterOptions {
  clickhouse: ClickHouseClient;
  /** Names the stream the offsets belong to (topic, or a per-process id for the embedded bus). */
  source: string;
  log?: (message: string) => void;
}

export interface AttemptWriterStats {
  stored: number;
  rejected: number;
  batches: number;
}

interface RejectedRow {
  source: string;
  partition: number;
  offset: string;
  error: string;
  payload: string;
}

/**
 * Validates a batch and stores it: good events into `attempts`, poison ones into
 * `rejected_events`. Resolves only when ClickHouse acknowledged both, so the transport commits
 * nothing that is not stored. A retried batch carries the same deduplication token, so
 * ClickHouse absorbs the replay instead of storing it twice.
 */
export function createAttemptWriter(options: AttemptWriterOptions): { handle: AttemptBatchHandler; stats: AttemptWriterStats } {
  const stats: AttemptWriterStats = { stored: 0, rejected: 0, batches: 0 };
  const handle: AttemptBatchHandler = async (messages) => {
    if (messages.length === 0) return;
    const { rows, rejected } = splitBatch(messages, options.source);
    const token = batchToken(options.source, messages);
    if (rows.length > 0) await insertRows(options.clickhouse, 'attempts', rows, `${token}:attempts`);
    if (rejected.length > 0) {
      await insertRows(options.clickhouse, 'rejected_events', rejected, `${token}:rejected`);
      for (const r of rejected) options.log?.(`ingest: rejected message ${r.partition}/${r.offset}: ${r.error}`);
    }
    stats.stored += rows.length;
    stats.rejected += rejected.length;
    stats.batches++;
  };
  return { handle, stats };
}

function splitBatch(messages: RawAttemptMessage[], source: string): { rows: AttemptRow[]; rejected: RejectedRow[] } {
  const rows: AttemptRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const message of messages) {
    const parsed = parseAttemptEvent(message.value);
    if (parsed.ok) rows.push(toAttemptRow(parsed.event));
    else rejected.push({ source, partition: message.partition, offset: message.offset, error: parsed.error, payload: message.value });
  }
  return { rows, rejected };
}

/** Deterministic per (source, partition, offset range): the same batch always gets the same token. */
function batchToken(source: string, messages: RawAttemptMessage[]): string {
  const first = messages[0]!;
  const last = messages[messages.length - 1]!;
  return `${source}:${first.partition}:${first.offset}-${last.offset}`;
}

async function insertRows(client: ClickHouseClient, table: string, values: object[], token: string): Promise<void> {
  await client.insert({
    table,
    values,
    format: 'JSONEachRow',
    clickhouse_settings: {
      insert_deduplicate: 1,
      insert_deduplication_token: token,
      // A replayed block must not be counted again by the rollups either.
      deduplicate_blocks_in_dependent_materialized_views: 1,
      async_insert: 0,
    },
  });
}
