import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';

/** A fresh, migrated chDB store in a temp dir, and a way to remove it. */
export async function freshEmbeddedStore(): Promise<{ client: ClickHouseClient; path: string; dispose(): Promise<void> }> {
  const path = mkdtempSync(join(tmpdir(), 'switchyard-ch-'));
  const client = createClickHouse({ kind: 'embedded', path });
  await migrate(client);
  return {
    client,
    path,
    dispose: async () => {
      await client.close();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export async function scalar(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<string> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  const rows = await result.json<Record<string, string>>();
  return String(Object.values(rows[0] ?? {})[0] ?? '');
}
