import { mkdirSync } from 'node:fs';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { rawInserts } from './chdb-raw-insert.ts';
import { guardSessionSettings } from './session-settings-guard.ts';

export type { ClickHouseClient };

export type ClickHouseTarget =
  | { kind: 'server'; url: string }
  /** In-process chDB; a data path can be open in one process at a time. */
  | { kind: 'embedded'; path: string };

/** The one place that chooses server or embedded; everything above speaks @clickhouse/client. */
export function createClickHouse(target: ClickHouseTarget): ClickHouseClient {
  const clickhouse_settings: ClickHouseSettings = {
    // ISO-8601 timestamps from events parse as-is.
    date_time_input_format: 'best_effort',
    // Decimals leave ClickHouse as strings, so money never passes through a float.
    output_format_json_quote_decimals: 1,
    output_format_json_quote_64bit_integers: 1,
  };
  if (target.kind === 'server') return createClient({ url: target.url, clickhouse_settings });
  mkdirSync(target.path, { recursive: true });
  // chdb types its connection against @clickhouse/client-common, which @clickhouse/client also
  // bundles; the two declarations are the same interface from different files.
  const connection = guardSessionSettings(rawInserts(createChdbConnection({ path: target.path })), Object.keys(clickhouse_settings)) as unknown as Parameters<
    typeof createClient
  >[0] extends infer C
    ? C extends { connection?: infer K }
      ? K
      : never
    : never;
  return createClient({ connection, clickhouse_settings });
}

export function describeTarget(target: ClickHouseTarget): string {
  // Never print credentials that may sit in a server URL.
  if (target.kind === 'embedded') return `chDB at ${target.path}`;
  const url = new URL(target.url);
  return `ClickHouse server ${url.protocol}//${url.host}${url.pathname}`;
}
