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
}

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
  return appliedNow;
}

/** Retention is deployment configuration, not schema history, so it is applied on every run. */
async function setRawTtl(client: ClickHouseClient, days: number, adapt: (sql: string) => string): Promise<void> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`raw TTL must be a whole number of days ≥ 1, got ${days}`);
  // DDL takes no bound parameters; `days` is a checked integer.
  await client.command({ query: adapt(`ALTER TABLE attempts MODIFY TTL toDateTime(started_at) + toIntervalDay(${days})`) });
}
