import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { ATTEMPT_COLUMNS, toAttemptValues } from '../ingest/attempt-row.ts';
import { insertSettings } from '../ingest/attempt-writer.ts';
import { benchEvent } from './ingest-bench-events.ts';

// The engine's own insert rate for the rows the pipeline stores: the same attempts, through the
// same materialized views, with the same insert settings, but encoded into files before the clock
// starts and read by the engine itself (INSERT … FROM INFILE), so no JavaScript (parse,
// validation, row building, encoding, handing the bytes over) is in the timed path.

/** Pre-encoded inserts: `bodies[i]` is one JSONCompactEachRow insert of `rows` rows or fewer. */
export interface CeilingBatches {
  columns: readonly string[];
  bodies: string[];
  rows: number;
}

/** `events` bench attempts (the pipeline's generator, ended `rate` per second up to now) as inserts of `batchRows`. */
export function ceilingBatches(events: number, batchRows: number, rate: number): CeilingBatches {
  const now = Date.now();
  const bodies: string[] = [];
  for (let first = 0; first < events; first += batchRows) {
    const last = Math.min(events, first + batchRows) - 1;
    const lines: string[] = [];
    const source = { source: 'ceiling', source_partition: 0, batch_first_offset: first, batch_last_offset: last };
    for (let i = first; i <= last; i++) lines.push(JSON.stringify(toAttemptValues(benchEvent(i, now - ((events - i) * 1000) / rate), source)));
    bodies.push(lines.join('\n'));
  }
  return { columns: ATTEMPT_COLUMNS, bodies, rows: events };
}

/** The engine's rate, and its CPU per row (all threads of this process, chDB's included). */
export interface Ceiling {
  rowsPerS: number;
  /** CPU time per row, µs: what neighbours on a shared machine distort far less than wall time. */
  cpuUsPerRow: number;
}

/**
 * How fast the engine stores the pre-encoded inserts, one after another, each read by the engine
 * from its own file (INSERT … FROM INFILE: the embedded engine's fastest way in, faster than the
 * same bytes inline after the statement or handed over as a buffer), with the writer's settings
 * (`insertSettings`: deduplication token, dependent-view deduplication, views in parallel). `attempts` and its rollups must be empty
 * (the caller truncates). Embedded engine only: the file is read where the engine runs.
 */
export async function engineCeiling(client: ClickHouseClient, batches: CeilingBatches): Promise<Ceiling> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ceiling-'));
  try {
    const files = batches.bodies.map((body, i) => {
      const file = join(dir, `${i}.jsonl`);
      writeFileSync(file, body);
      return file;
    });
    const columns = batches.columns.map((c) => `\`${c}\``).join(', ');
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (const [i, file] of files.entries()) {
      await client.command({
        // The path is ours (a temp dir and a counter), not input.
        query: `INSERT INTO attempts (${columns}) FROM INFILE '${file}' FORMAT JSONCompactEachRow`,
        clickhouse_settings: insertSettings(`ceiling:${i}`),
      });
    }
    const cpu = process.cpuUsage(cpuStart);
    return {
      rowsPerS: Math.round(batches.rows / ((performance.now() - start) / 1000)),
      cpuUsPerRow: Math.round((cpu.user + cpu.system) / batches.rows),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Materialized views fed by `attempts`, by name, from the catalog. */
export async function attemptViews(client: ClickHouseClient): Promise<string[]> {
  const rows = await (
    await client.query({
      query: `SELECT name, create_table_query AS ddl FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'`,
      format: 'JSONEachRow',
    })
  ).json<{ name: string; ddl: string }>();
  return rows
    .filter((v) => /\bFROM\s+(?:\w+\.)?attempts\b/i.test(v.ddl))
    .map((v) => v.name)
    .sort();
}

/**
 * What each view costs the engine: the ceiling with that one view detached, beside the ceiling
 * with every view detached (`none`); compare `cpuUsPerRow` with the ceiling's own. Each view is attached again before the next is measured;
 * `truncate` empties the tables between runs.
 */
export async function viewCosts(client: ClickHouseClient, batches: CeilingBatches, truncate: () => Promise<void>): Promise<Record<string, Ceiling>> {
  const views = await attemptViews(client);
  const out: Record<string, Ceiling> = {};
  // Names come from the catalog and are checked to be plain identifiers (DDL takes no bound names here).
  const ddl = (verb: string, name: string) => {
    if (!/^\w+$/.test(name)) throw new Error(`unexpected view name ${name}`);
    return client.command({ query: `${verb} TABLE \`${name}\`` });
  };
  const detach = (name: string) => ddl('DETACH', name);
  const attach = (name: string) => ddl('ATTACH', name);
  for (const view of views) {
    await detach(view);
    try {
      out[`without_${view}`] = await engineCeiling(client, batches);
    } finally {
      await attach(view);
      await truncate();
    }
  }
  for (const view of views) await detach(view);
  try {
    out.none = await engineCeiling(client, batches);
  } finally {
    for (const view of views) await attach(view);
    await truncate();
  }
  return out;
}
