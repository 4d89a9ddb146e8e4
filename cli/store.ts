import { join } from 'node:path';
import type { ClickHouseClient, ClickHouseTarget } from '../core/clickhouse/client.ts';
import type { SwitchyardEnv } from '../core/config/env.ts';
import { ConfigError } from '../core/errors.ts';
import { lockDataDir, type AskTheHolder, type DataDirLock } from './data-dir-lock.ts';

/** The ClickHouse server from CLICKHOUSE_URL, else embedded chDB under `<SWITCHYARD_DATA>/clickhouse`. */
export function clickhouseTarget(env: SwitchyardEnv): ClickHouseTarget {
  return env.CLICKHOUSE_URL ? { kind: 'server', url: env.CLICKHOUSE_URL } : { kind: 'embedded', path: join(env.dataDir, 'clickhouse') };
}

/**
 * Locks the data directory when the target is embedded (one process per chDB path); null for a
 * server. `askTheHolder`: the request that gets this command's answer from a running service
 * holding the directory, for the busy error (lockDataDir).
 */
export function lockIfEmbedded(env: SwitchyardEnv, target: ClickHouseTarget | undefined, askTheHolder?: AskTheHolder): DataDirLock | null {
  return target?.kind === 'embedded' ? lockDataDir(env.dataDir, undefined, askTheHolder) : null;
}

/**
 * Runs `work` with a client on the configured store, holding the data-directory lock if embedded.
 * `askTheHolder`: as for lockIfEmbedded.
 */
export async function withStore<T>(
  env: SwitchyardEnv,
  work: (client: ClickHouseClient, target: ClickHouseTarget) => Promise<T>,
  askTheHolder?: AskTheHolder,
): Promise<T> {
  const target = clickhouseTarget(env);
  const lock = lockIfEmbedded(env, target, askTheHolder);
  try {
    // Loaded here, not at the top: run-services imports this module, and a collector process never opens a store.
    const { createClickHouse } = await import('../core/clickhouse/client.ts');
    const client = createClickHouse(target);
    try {
      return await work(client, target);
    } finally {
      await client.close();
    }
  } finally {
    lock?.release();
  }
}

/** Read-only commands on a store nobody migrated would fail deep in a query; say what to run instead. */
export async function requireSchema(client: ClickHouseClient, target: ClickHouseTarget): Promise<void> {
  const result = await client.query({ query: 'EXISTS TABLE attempts', format: 'JSONEachRow' });
  const row = (await result.json<{ result: number | string }>())[0];
  if (Number(row?.result ?? 0) !== 1) {
    const { describeTarget } = await import('../core/clickhouse/client.ts');
    throw new ConfigError(
      `no Switchyard tables in ${describeTarget(target)}: run \`switchyard migrate\` (or start the service once), or point SWITCHYARD_DATA / CLICKHOUSE_URL at the store you mean`,
    );
  }
}
