import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from './client.ts';
import { forCluster } from './on-cluster.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
}

/** Numbered, append-only SQL files, one statement each, in file-name order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(dir + file, 'utf8') }));
}

export interface MigrateOptions {
  /** Days raw attempts are kept; unset keeps them forever. Rollups are not affected. */
  rawTtlDays?: number;
  /** Run every statement ON CLUSTER, with replicated engines. */
  cluster?: string;
  /**
   * Remove outdated parts on one thread, on every MergeTree table (see SEQUENTIAL_PART_REMOVAL).
   * For the embedded engine, which shares the user's machine; a server keeps ClickHouse's default.
   */
  sequentialPartRemoval?: boolean;
}

/**
 * MergeTree's `concurrent_part_removal_threshold` for `sequentialPartRemoval`: never reached.
 * Above the default (100 outdated parts in a table) ClickHouse removes them on its parts-cleaning
 * pool, up to 128 threads, and the global pool keeps those threads once idle (up to 1,000). The
 * embedded store at 500 attempts/s passes 100 within two minutes: chDB's threads went 35 → 160
 * for good, each holding its stack and allocator cache (docs/performance.md, the soak of
 * 2026-12-01 17:00). On one thread the cleanups still keep up: outdated parts peaked at ~1,130
 * per cleanup cycle either way (bench/storage-parts-probe.ts, 480 s side by side).
 */
export const SEQUENTIAL_PART_REMOVAL = 1_000_000_000;

/**
 * Applies what is not yet recorded in `schema_migrations`, then the raw retention; safe to
 * rerun. Returns the names applied now.
 */
export async function migrate(client: ClickHouseClient, options: MigrateOptions = {}, migrations = loadMigrations()): Promise<string[]> {
  const adapt = (sql: string) => (options.cluster ? forCluster(sql, options.cluster) : sql);
  await client.command({
    query: adapt(`CREATE TABLE IF NOT EXISTS schema_migrations
      (name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY name`),
  });
  const applied = new Set(
    (await (await client.query({ query: 'SELECT name FROM schema_migrations', format: 'JSONEachRow' })).json<{ name: string }>()).map((row) => row.name),
  );
  const appliedNow: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    await client.command({ query: adapt(migration.sql) });
    await client.insert({ table: 'schema_migrations', values: [{ name: migration.name }], format: 'JSONEachRow' });
    appliedNow.push(migration.name);
  }
  if (options.rawTtlDays !== undefined) await setRawTtl(client, options.rawTtlDays, adapt);
  if (options.sequentialPartRemoval) await removePartsSequentially(client);
  return appliedNow;
}

/** Sets SEQUENTIAL_PART_REMOVAL on every MergeTree table of the database that lacks it (tables of later migrations included). */
async function removePartsSequentially(client: ClickHouseClient): Promise<void> {
  const tables = await (
    await client.query({
      query: `SELECT name FROM system.tables
        WHERE database = currentDatabase() AND engine LIKE '%MergeTree'
          AND position(create_table_query, {setting:String}) = 0`,
      query_params: { setting: `concurrent_part_removal_threshold = ${SEQUENTIAL_PART_REMOVAL}` },
      format: 'JSONEachRow',
    })
  ).json<{ name: string }>();
  for (const { name } of tables)
    await client.command({
      query: `ALTER TABLE {name:Identifier} MODIFY SETTING concurrent_part_removal_threshold = ${SEQUENTIAL_PART_REMOVAL}`,
      query_params: { name },
    });
}

/** Retention is deployment configuration, not schema history, so it is applied on every run. */
async function setRawTtl(client: ClickHouseClient, days: number, adapt: (sql: string) => string): Promise<void> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`raw TTL must be a whole number of days ≥ 1, got ${days}`);
  // DDL takes no bound parameters; `days` is a checked integer.
  await client.command({ query: adapt(`ALTER TABLE attempts MODIFY TTL toDateTime(started_at) + toIntervalDay(${days})`) });
}
