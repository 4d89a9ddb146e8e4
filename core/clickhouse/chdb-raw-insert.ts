import { parseError } from '@clickhouse/client';
import type { Connection, ConnInsertParams, ConnInsertResult } from '@clickhouse/client-common';

/** The raw insert of chDB's `.chdb` connection extension (chdb/connection), as used here. */
interface ChdbRawInsertExtension {
  chdb: {
    rawInsert(params: {
      table: string;
      columns?: readonly string[];
      values: Buffer;
      format: string;
      settings?: Record<string, string | number | boolean>;
      signal?: AbortSignal;
    }): Promise<{ rowsWritten: number; bytesWritten: number; elapsed: number }>;
  };
}

/**
 * The statement @clickhouse/client builds for `client.insert` (`INSERT INTO t (a, b) FORMAT F`),
 * with the plain identifiers chDB's raw insert accepts; anything else takes the connection's own
 * insert.
 */
const INSERT_STATEMENT = /^INSERT INTO ([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)(?: \(([A-Za-z0-9_]+(?:, [A-Za-z0-9_]+)*)\))? FORMAT ([A-Za-z]+)$/;

/** Formats chDB's raw insert takes (its whitelist, chdb/dist/rawInsert.js). */
const RAW_FORMATS = new Set(['JSONEachRow', 'JSONCompactEachRow', 'TabSeparated', 'TSV', 'TabSeparatedWithNames', 'TSVWithNames', 'CSV', 'CSVWithNames']);

/**
 * Routes `client.insert` on a chDB connection through chDB's raw insert: the encoded rows go to
 * the engine as one Buffer behind an `INSERT … SETTINGS … FORMAT` prefix, parsed by its
 * multithreaded input parser. The connection's own insert pastes the rows after the statement
 * as SQL text and sets the call's settings as session SETs first; for ingest's 64-column rows
 * through every view that cost 82–90 µs of CPU per row against 54–55 µs raw (50,000 bench rows
 * in 10,000-row inserts with the deduplication settings, docs/ingest-performance.md). Settings become
 * the statement's own (they end with it); errors are ClickHouse's, parsed as the connection's are
 * (`code`, `type`), so a refused row is still told from an unavailable engine.
 *
 * @param connection a chdb/connection ChdbConnection (it carries the `.chdb` extension)
 */
export function rawInserts<S>(connection: Connection<S>): Connection<S> {
  const raw = (connection as Connection<S> & Partial<ChdbRawInsertExtension>).chdb?.rawInsert;
  if (!raw) return connection;
  const insert = async (params: ConnInsertParams<S>): Promise<ConnInsertResult> => {
    const statement = INSERT_STATEMENT.exec(params.query.trim());
    if (!statement || !RAW_FORMATS.has(statement[3]!)) return connection.insert(params);
    const [, table, columns, format] = statement as unknown as [string, string, string | undefined, string];
    const values = await readAll(params.values);
    const query_id = params.query_id ?? crypto.randomUUID();
    // chDB refuses an INSERT without rows; the HTTP server and the connection's insert answer it as a no-op.
    if (blank(values)) return { query_id, response_headers: {}, http_status_code: 200, summary: summary(0, 0, 0) };
    const settings: Record<string, string | number | boolean> = {};
    for (const [name, value] of Object.entries(params.clickhouse_settings ?? {}))
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') settings[name] = value;
    try {
      const written = await raw({
        table,
        ...(columns ? { columns: columns.split(', ') } : {}),
        values,
        format,
        settings,
        ...(params.abort_signal ? { signal: params.abort_signal } : {}),
      });
      return { query_id, response_headers: {}, http_status_code: 200, summary: summary(written.rowsWritten, written.bytesWritten, written.elapsed) };
    } catch (err) {
      throw parseError(err instanceof Error && err.message ? err.message : String(err));
    }
  };
  return new Proxy(connection, {
    get(target, prop, receiver) {
      if (prop === 'insert') return insert;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function summary(rows: number, bytes: number, elapsedS: number): NonNullable<ConnInsertResult['summary']> {
  return {
    read_rows: '0',
    read_bytes: '0',
    written_rows: String(rows),
    written_bytes: String(bytes),
    total_rows_to_read: '0',
    result_rows: '0',
    result_bytes: '0',
    elapsed_ns: String(Math.round(elapsedS * 1e9)),
  };
}

/** Only whitespace (stops at the first other byte, so a real body costs one byte's look). */
function blank(values: Buffer): boolean {
  for (const byte of values) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}

async function readAll(values: unknown): Promise<Buffer> {
  if (typeof values === 'string') return Buffer.from(values);
  const chunks: Buffer[] = [];
  for await (const chunk of values as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
