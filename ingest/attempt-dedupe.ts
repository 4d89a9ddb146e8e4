import type { ClickHouseClient } from '../core/clickhouse/client.ts';

/**
 * Days a stored attempt id keeps catching copies (the TTL of `attempt_ids_v1`, migration 0040).
 * It must be at least the spool's maximum age and the topic's retention, the longest a copy can
 * trail its original; a copy arriving later would be stored again.
 */
export const DEDUPE_WINDOW_DAYS = 8;

/** The offset range of one insert: the identity its deduplication token is made of. */
export interface BatchIdentity {
  source: string;
  source_partition: number;
  batch_first_offset: number;
  batch_last_offset: number;
}

/** What the lookup needs of a row: copies share both fields with their original. */
export interface DedupeKey {
  attempt_id: string;
  /** ISO-8601, exactly as the event carried it. */
  started_at: string;
}

/**
 * Rows per lookup query. The client sends bound parameters in the URL, about 70 bytes per row
 * URL-encoded (id and timestamp), so 5,000 stay near 350 KB, under a server's default 1 MiB
 * `http_max_uri_size`.
 */
const LOOKUP_CHUNK = 5_000;

/**
 * Drops every row whose attempt id is already stored (outside this batch's own range) or
 * appeared earlier in the same batch, keeping the first copy in offset order. Deterministic for a
 * given batch identity and store: a retried or replayed batch yields the same rows again, so its
 * insert carries the same rows under the same token.
 */
export async function dropDuplicates<R>(
  client: ClickHouseClient,
  rows: readonly R[],
  keyOf: (row: R) => DedupeKey,
  batch: BatchIdentity,
): Promise<{ unique: R[]; duplicates: number }> {
  const firsts = firstOccurrences(rows, keyOf);
  const stored = await storedElsewhere(client, firsts.map(keyOf), batch);
  const unique = firsts.filter((r) => !stored.has(keyOf(r).attempt_id.toLowerCase()));
  return { unique, duplicates: rows.length - unique.length };
}

/** The first row of each attempt id, in input order. Pure. */
export function firstOccurrences<R>(rows: readonly R[], keyOf: (row: R) => DedupeKey): R[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const id = keyOf(r).attempt_id.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Ids of `rows` that `attempt_ids_v1` holds from any insert except this batch's own. Rows this
 * very range stored (before a crash, or before a failure that made the transport redeliver it)
 * must not count, or the replay would insert fewer rows under the same token than the original.
 * The lookup is bounded by the rows' own started_at values, the table's leading key column.
 */
export async function storedElsewhere(client: ClickHouseClient, rows: readonly DedupeKey[], batch: BatchIdentity): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
    const chunk = rows.slice(i, i + LOOKUP_CHUNK);
    // Comma-joined strings parse several times faster than Array(UUID) parameters; both are
    // validated by the event schema (UUIDs, ISO times), and ClickHouse parses them again.
    const result = await client.query({
      query: `
        SELECT DISTINCT toString(attempt_id) AS id FROM attempt_ids_v1
        WHERE started_at IN (SELECT parseDateTime64BestEffort(arrayJoin(splitByChar(',', {started:String})), 3, 'UTC'))
          AND attempt_id IN (SELECT toUUID(arrayJoin(splitByChar(',', {ids:String}))))
          AND batch_key != cityHash64({source:String}, {partition:UInt32}, {first:UInt64}, {last:UInt64})`,
      query_params: {
        started: [...new Set(chunk.map((r) => r.started_at))].join(','),
        ids: chunk.map((r) => r.attempt_id).join(','),
        source: batch.source,
        partition: batch.source_partition,
        first: batch.batch_first_offset,
        last: batch.batch_last_offset,
      },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ id: string }>()) found.add(row.id.toLowerCase());
  }
  return found;
}
