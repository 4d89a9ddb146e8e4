import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { TimeRange } from '../../api/schema/time-range.ts';
import { focusQuery, type ChargePeriod } from './focus-query.ts';

export type FocusFormat = 'csv' | 'parquet';

/** What to export; every field already validated (whole periods, team scope from a grant). */
export interface FocusExportRequest {
  range: TimeRange;
  period: ChargePeriod;
  teams: 'all' | readonly string[];
  format: FocusFormat;
}

export interface FocusExportTarget {
  clickhouse: ClickHouseClient;
  /**
   * Embedded chDB: ClickHouse writes the file itself (`INSERT INTO FUNCTION file`), block by
   * block, so no row passes through Node's heap. A server writes files on its own disk, so there
   * the result is streamed over HTTP instead (also block by block).
   */
  embedded: boolean;
}

const clickhouseFormat: Record<FocusFormat, string> = { csv: 'CSVWithNames', parquet: 'Parquet' };

// Null as an empty CSV field (FOCUS readers' convention, not ClickHouse's \N); decimals with every
// declared decimal place, so a value is written at the precision the metadata states; Parquet row
// groups of at most 65,536 rows / 16 MiB, so the writer's buffer stays small however long the
// range (the default, 1M rows, held a whole month in memory); aggregation and sort spill to disk
// past 64 MiB instead of growing with the number of output rows.
const SETTINGS = [
  "format_csv_null_representation = ''",
  'output_format_decimal_trailing_zeros = 1',
  'output_format_parquet_string_as_string = 1',
  'output_format_parquet_row_group_size = 65536',
  'output_format_parquet_row_group_size_bytes = 16777216',
  'max_bytes_before_external_group_by = 67108864',
  'max_bytes_before_external_sort = 67108864',
  'max_execution_time = 3600',
].join(', ');

/** Writes the FOCUS dataset to `path`; returns its row count. */
export async function exportFocusToFile(target: FocusExportTarget, request: FocusExportRequest, path: string): Promise<{ rows: number; bytes: number }> {
  const q = focusQuery(request.range, request.period, request.teams);
  if (target.embedded) {
    await target.clickhouse.command({
      query: `INSERT INTO FUNCTION file({out_path:String}, '${clickhouseFormat[request.format]}') ${q.sql}\nSETTINGS engine_file_truncate_on_insert = 1, ${SETTINGS}`,
      query_params: { ...q.params, out_path: path },
    });
  } else {
    await pipeline(await streamFocus(target.clickhouse, request), createWriteStream(path));
  }
  return { rows: await countFocusRows(target.clickhouse, request), bytes: (await stat(path)).size };
}

/** Streams the FOCUS dataset into `out` (an HTTP response), with flat memory either way. */
export async function exportFocusToStream(target: FocusExportTarget, request: FocusExportRequest, out: Writable): Promise<void> {
  if (!target.embedded) return pipeline(await streamFocus(target.clickhouse, request), out);
  // chDB hands a query's whole result over at once; a temp file keeps the stream flat.
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-focus-'));
  try {
    const file = join(dir, `focus.${request.format}`);
    await exportFocusToFile(target, request, file);
    await pipeline(createReadStream(file), out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function streamFocus(clickhouse: ClickHouseClient, request: FocusExportRequest) {
  const q = focusQuery(request.range, request.period, request.teams);
  const result = await clickhouse.exec({
    query: `${q.sql}\nFORMAT ${clickhouseFormat[request.format]}\nSETTINGS readonly = 2, ${SETTINGS}`,
    query_params: q.params,
  });
  return result.stream;
}

async function countFocusRows(clickhouse: ClickHouseClient, request: FocusExportRequest): Promise<number> {
  const q = focusQuery(request.range, request.period, request.teams);
  const result = await clickhouse.query({ query: `SELECT count() AS n FROM (${q.sql})\nSETTINGS readonly = 2`, query_params: q.params, format: 'JSONEachRow' });
  return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
}
