import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient, type ClickHouseTarget } from '../core/clickhouse/client.ts';
import type { SwitchyardEnv } from '../core/config/env.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

/** The ClickHouse server from CLICKHOUSE_URL, else embedded chDB under `<SWITCHYARD_DATA>/clickhouse`. */
export function clickhouseTarget(env: SwitchyardEnv): ClickHouseTarget {
  return env.CLICKHOUSE_URL ? { kind: 'server', url: env.CLICKHOUSE_URL } : { kind: 'embedded', path: join(env.dataDir, 'clickhouse') };
}

/** Locks the data directory when the target is embedded (one process per chDB path); null for a server. */
export function lockIfEmbedded(env: SwitchyardEnv, target: ClickHouseTarget | undefined): DataDirLock | null {
  return target?.kind === 'embedded' ? lockDataDir(env.dataDir) : null;
}

/** Runs `work` with a client on the configured store, holding the data-directory lock if embedded. */
export async function withStore<T>(env: SwitchyardEnv, work: (client: ClickHouseClient, target: ClickHouseTarget) => Promise<T>): Promise<T> {
  const target = clickhouseTarget(env);
  const lock = lockIfEmbedded(env, target);
  try {
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
