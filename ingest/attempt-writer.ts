import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';
import type { AttemptBatchHandler, DeadLetter, DeadLetterSink, RawAttemptMessage } from '../core/transport/event-bus.ts';
import { dropDuplicates } from './attempt-dedupe.ts';
import { cutBatches, type StoredRange } from './batch-ranges.ts';
import { isDataError } from './clickhouse-errors.ts';
import { createAttemptParser } from './attempt-fast-parser.ts';
import { ATTEMPT_COLUMNS, toAttemptValues, type AttemptValues, type SourceColumns } from './attempt-row.ts';
import { noIngestMetrics, type IngestMetrics } from './ingest-metrics.ts';

export interface AttemptWriterOptions {
  clickhouse: ClickHouseClient;
  /** Names the stream the offsets belong to (topic, or a per-process id for the embedded bus). */
  source: string;
  /** Rows per insert at most. */
  maxRows?: number;
  /** Where rejected messages are copied besides `rejected_events` (the Kafka DLQ topic). */
  deadLetters?: DeadLetterSink;
  metrics?: IngestMetrics;
  /**
   * Drop attempts already stored (by attempt_id, within DEDUPE_WINDOW_DAYS) before inserting.
   * Default true; false exists only so the ingest benchmark can measure what deduplication costs.
   */
  dedupe?: boolean;
  /**
   * `compiled` (default): the compiled validator, zod only for refusals; `zod`: zod for every
   * event, as before — exists only so the ingest benchmark can show what the compiled path saves.
   */
  validation?: 'compiled' | 'zod';
  log?: (message: string) => void;
}

export interface AttemptWriterStats {
  stored: number;
  rejected: number;
  /** Copies of attempts already stored (or earlier in the same batch), removed before the insert. */
  duplicates: number;
  batches: number;
  /** Inserts ClickHouse refused for their content, split to isolate the bad rows. */
  bisections: number;
  /** Events the compiled validator accepted alone, and those zod judged (refusals, named). */
  validatedFast: number;
  validatedByZod: number;
  /** Wall time spent per stage since start, ms (see StageMs). */
  stageMs: StageMs;
}

/**
 * Where a batch's time goes, ms summed over batches. `validate`: JSON parse and schema check;
 * `serialize`: building the rows; `dedupe`: the attempt-id lookup; `insert`: the client encoding
 * the rows and the engine storing them, rollups included (one call, not separable from outside);
 * `reject`: storing and dead-lettering refused messages.
 */
export interface StageMs {
  validate: number;
  serialize: number;
  dedupe: number;
  insert: number;
  reject: number;
}

/** Messages parsed between two turns of the event loop (~10–20 ms of work on this machine). */
const PARSE_SLICE = 1000;

/** Resolves on the event loop's next check phase, after pending I/O callbacks have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A valid event on its way to `attempts`: its message (to name it if refused) and its row's values. */
interface PendingRow {
  event: AttemptEvent;
  message: RawAttemptMessage;
  values: AttemptValues;
}

/**
 * Validates and stores batches: good events into `attempts`, poison ones into `rejected_events`
 * (and the DLQ). Resolves only when ClickHouse acknowledged everything, so the transport commits
 * nothing unstored. Every insert carries a token derived from (source, partition, offset range),
 * and messages redelivered after a crash are re-cut on the ranges stored before it, so a replay is
 * absorbed by ClickHouse, rollups included, instead of counted twice. Copies of an attempt at
 * other offsets (a producer re-send, a spool replay) get other tokens, so before inserting, rows
 * whose attempt_id another insert already stored are dropped (see attempt-dedupe.ts).
 */
export function createAttemptWriter(options: AttemptWriterOptions): { handle: AttemptBatchHandler; stats: AttemptWriterStats } {
  const parse = createAttemptParser({ zodOnly: options.validation === 'zod' });
  const stats: AttemptWriterStats = {
    stored: 0,
    rejected: 0,
    duplicates: 0,
    batches: 0,
    bisections: 0,
    get validatedFast() {
      return parse.stats.fast;
    },
    get validatedByZod() {
      return parse.stats.slow;
    },
    stageMs: { validate: 0, serialize: 0, dedupe: 0, insert: 0, reject: 0 },
  };
  const stage = stats.stageMs;
  const maxRows = options.maxRows ?? 10_000;
  const metrics = options.metrics ?? noIngestMetrics;
  /** Per partition, the stored-but-uncommitted ranges looked up when its delivery last jumped. */
  const recovered = new Map<number, StoredRange[]>();
  /** Per partition, the offset after the last batch this writer handled. */
  const nextOffset = new Map<number, bigint>();

  const handle: AttemptBatchHandler = async (messages) => {
    if (messages.length === 0) return;
    const partition = messages[0]!.partition;
    try {
      // Messages not continuing where this writer left off are a redelivery (a retry, the
      // partition coming back after a rebalance): ranges stored since the last look-up, by this
      // writer or another member, must be re-cut as stored.
      if (nextOffset.get(partition) !== BigInt(messages[0]!.offset))
        recovered.set(partition, await storedRanges(options.clickhouse, options.source, partition, messages[0]!.offset));
      for (const batch of cutBatches(messages, recovered.get(partition)!, maxRows)) await writeBatch(batch);
      nextOffset.set(partition, BigInt(messages[messages.length - 1]!.offset) + 1n);
    } catch (err) {
      metrics.batchFailed();
      throw err;
    }
  };

  async function writeBatch(batch: RawAttemptMessage[]): Promise<void> {
    const startedMs = performance.now();
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    const range: SourceColumns = {
      source: options.source,
      source_partition: first.partition,
      batch_first_offset: Number(first.offset),
      batch_last_offset: Number(last.offset),
    };
    const token = `${options.source}:${first.partition}:${first.offset}-${last.offset}`;
    const valid: Array<{ event: AttemptEvent; message: RawAttemptMessage }> = [];
    const rejected: DeadLetter[] = [];
    for (let i = 0; i < batch.length; i++) {
      // Another partition's statement may be waiting on this thread to go on to its insert; a
      // batch parsed in one go kept the engine idle for its whole parse (docs/ingest-performance.md).
      if (i > 0 && i % PARSE_SLICE === 0) await nextTurn();
      const message = batch[i]!;
      const parsed = parse(message.value);
      if (parsed.ok) valid.push({ event: parsed.event, message });
      else rejected.push({ message, error: parsed.error, stage: 'validation' });
    }
    let t = lap(startedMs, 'validate');
    const rows: PendingRow[] = valid.map(({ event, message }) => ({ event, message, values: toAttemptValues(event, range) }));
    t = lap(t, 'serialize');
    const { unique, duplicates } =
      options.dedupe === false ? { unique: rows, duplicates: 0 } : await dropDuplicates(options.clickhouse, rows, (r) => r.event, range);
    t = lap(t, 'dedupe');
    rejected.push(...(await insertBisecting(unique, token)));
    t = lap(t, 'insert');
    if (rejected.length > 0) await reject(rejected, range);
    lap(t, 'reject');
    const refused = new Set(rejected.filter((r) => r.stage === 'insert').map((r) => r.message));
    const stored = unique.filter((r) => !refused.has(r.message));
    const nowMs = Date.now();
    metrics.batchStored(
      stored.length,
      performance.now() - startedMs,
      stored.map((r) => nowMs - Date.parse(r.event.ended_at)),
    );
    for (const stage of ['validation', 'insert'] as const) {
      const n = rejected.filter((r) => r.stage === stage).length;
      if (n > 0) metrics.rejected(n, stage);
    }
    if (duplicates > 0) metrics.duplicatesRemoved(duplicates);
    stats.duplicates += duplicates;
    stats.stored += stored.length;
    stats.rejected += rejected.length;
    stats.batches++;
  }

  /** Adds the time since `since` to a stage; returns now. */
  function lap(since: number, name: keyof StageMs): number {
    const now = performance.now();
    stage[name] += now - since;
    return now;
  }

  /** Inserts; if ClickHouse refuses the content, halves the batch until the refused rows are alone. */
  async function insertBisecting(rows: PendingRow[], token: string): Promise<DeadLetter[]> {
    if (rows.length === 0) return [];
    try {
      await insertAttempts(
        options.clickhouse,
        rows.map((r) => r.values),
        token,
      );
      return [];
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (rows.length === 1)
        return [{ message: rows[0]!.message, error: `ClickHouse refused the row: ${(err as Error).message.split('\n')[0]}`, stage: 'insert' }];
      stats.bisections++;
      const mid = Math.ceil(rows.length / 2);
      return [...(await insertBisecting(rows.slice(0, mid), `${token}/a`)), ...(await insertBisecting(rows.slice(mid), `${token}/b`))];
    }
  }

  async function reject(rejected: DeadLetter[], range: SourceColumns): Promise<void> {
    await options.deadLetters?.send(rejected);
    const values = rejected.map((r) => ({
      source: options.source,
      partition: r.message.partition,
      offset: r.message.offset,
      error: r.error,
      payload: r.message.value,
      stage: r.stage,
      batch_first_offset: range.batch_first_offset,
      batch_last_offset: range.batch_last_offset,
    }));
    // Token from the rejected offsets themselves: a replay of the same messages is absorbed whatever the cut.
    const token = `${options.source}:rejected:${createHash('sha256')
      .update(values.map((v) => `${v.partition}/${v.offset}`).join(','))
      .digest('hex')}`;
    await insertRows(options.clickhouse, 'rejected_events', values, token);
    for (const r of rejected) options.log?.(`ingest: rejected message ${r.message.partition}/${r.message.offset} (${r.stage}): ${r.error}`);
  }

  return { handle, stats };
}

/** Offset ranges of this partition that earlier runs stored at or after `fromOffset`. */
async function storedRanges(client: ClickHouseClient, source: string, partition: number, fromOffset: string): Promise<StoredRange[]> {
  const result = await client.query({
    query: `
      SELECT DISTINCT batch_first_offset AS first, batch_last_offset AS last FROM attempts
      WHERE source = {source:String} AND source_partition = {partition:UInt32} AND batch_last_offset >= {from:UInt64}
      UNION DISTINCT
      SELECT DISTINCT batch_first_offset AS first, batch_last_offset AS last FROM rejected_events
      WHERE source = {source:String} AND partition = {partition:UInt32} AND batch_last_offset >= {from:UInt64}`,
    query_params: { source, partition, from: fromOffset },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ first: string; last: string }>();
  return rows.map((r) => ({ first: BigInt(r.first), last: BigInt(r.last) })).sort((a, b) => (a.first < b.first ? -1 : 1));
}

/**
 * Attempts go as JSONCompactEachRow (arrays in `ATTEMPT_COLUMNS` order): half the bytes of
 * JSONEachRow, which measured twice as fast into the embedded engine.
 */
async function insertAttempts(client: ClickHouseClient, rows: AttemptValues[], token: string): Promise<void> {
  await insertRows(client, 'attempts', rows, token, 'JSONCompactEachRow', ATTEMPT_COLUMNS);
}

async function insertRows(
  client: ClickHouseClient,
  table: string,
  values: unknown[],
  token: string,
  format: 'JSONEachRow' | 'JSONCompactEachRow' = 'JSONEachRow',
  columns?: readonly string[],
): Promise<void> {
  await client.insert({
    table,
    values,
    format,
    ...(columns ? { columns: columns as [string, ...string[]] } : {}),
    clickhouse_settings: insertSettings(token),
  });
}

/**
 * The settings of every ingest insert, keyed by its deduplication token (a replay of the same
 * token is absorbed, rollups included). Exported so the ingest benchmark's engine ceiling stores
 * its rows exactly as ingest does.
 */
export function insertSettings(token: string) {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    // A replayed block must not be counted again by the rollups either.
    deduplicate_blocks_in_dependent_materialized_views: 1,
    // The rollups' views run side by side instead of one after another: the engine stored
    // 23,200 → 28,000 rows/s (medians of four alternating rounds, 50,000 rows in 10,000-row
    // inserts) at the same CPU per row (docs/ingest-performance.md, 2 December).
    parallel_view_processing: 1,
    // No merge pass over each inserted block: the writer already sends each attempt once, and the
    // rollups' views aggregate each block themselves, so the pass (sorted and merged again by
    // `attempts`' ReplacingMergeTree and each AggregatingMergeTree target) changed nothing but cost
    // the engine 25–30 % of an insert's CPU: 370–386 → 266–277 ms per 10,000-row insert with every
    // view, chDB alone from files, two alternating rounds (docs/ingest-performance.md, "Inserts
    // without the merge pass"). Background merges still collapse and aggregate across parts, as
    // every reader already assumes.
    optimize_on_insert: 0,
    async_insert: 0,
  } as const;
}
