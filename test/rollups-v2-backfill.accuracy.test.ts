import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, type ClickHouseClient } from '../core/clickhouse/client.ts';
import { loadMigrations, migrate } from '../core/clickhouse/migrate.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { toAttemptRow } from '../ingest/attempt-row.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { scalar } from './support/embedded-store.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';

const DAY = '2026-11-24';
let path: string;
let client: ClickHouseClient;
before(() => {
  path = mkdtempSync(join(tmpdir(), 'switchyard-backfill-'));
  client = createClickHouse({ kind: 'embedded', path });
});
after(async () => {
  await client.close();
  rmSync(path, { recursive: true, force: true });
});

test('upgrading a store with raw rows backfills every v2 rollup from distinct raw, and new rows flow through the views', async () => {
  const all = loadMigrations();
  // A store as it was before rollups v2 (plus the pricing columns), already holding traffic.
  await migrate(
    client,
    {},
    all.filter((m) => m.name < '0016'),
  );
  const priced = pricedTraffic(DAY, 9);
  const legacy = Array.from({ length: 4 }, (_, i) =>
    sampleAttemptEvent({ started_at: `${DAY}T08:1${i}:00.000Z`, ended_at: `${DAY}T08:1${i}:01.000Z`, cost_usd: '0.25' }),
  );
  const rows = [...priced, ...legacy].map(toAttemptRow);
  await client.insert({ table: 'attempts', values: rows, format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'before-1' } });
  // Copies of ten attempts that reached raw twice before deduplication existed.
  await client.insert({ table: 'attempts', values: rows.slice(0, 10), format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'before-2' } });
  assert.equal(Number(await scalar(client, 'SELECT count() FROM attempts')), rows.length + 10);
  assert.equal(Number(await scalar(client, 'SELECT sum(attempts) FROM chargeback_per_day_v1')), rows.length + 10, 'v1 counted the copies');

  const applied = await migrate(client);
  assert.ok(applied.includes('0022_attempts_per_minute_by_deployment_v2_backfill') && applied.includes('0027_chargeback_per_day_mv_v1_drop'));
  const report = await reconcileDay(client, DAY);
  assert.equal(report.ok, true, report.mismatches.join('\n'));
  assert.equal(report.raw.attempts, rows.length);
  assert.equal(report.raw.requests, 55 + 4);
  assert.equal(report.raw.unallocatedCostUsd, '1.000000000000', 'legacy rows keep their cost, unallocated to a bucket');
  for (const table of Object.keys(report.rollups)) assert.equal(report.rollups[table]!.attempts, rows.length, table);

  // After the upgrade: new events reach v2 through the views; v1 is history only.
  const later = pricedTraffic(DAY, 15);
  const { handle } = createAttemptWriter({ clickhouse: client, source: 'after-upgrade' });
  await handle(later.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));
  const again = await reconcileDay(client, DAY);
  assert.equal(again.ok, true, again.mismatches.join('\n'));
  assert.equal(again.raw.attempts, rows.length + later.length);
  assert.equal(Number(await scalar(client, 'SELECT sum(attempts) FROM chargeback_per_day_v1')), rows.length + 10, 'v1 no longer fed');
  const retired = ['attempts_per_minute_by_deployment_mv_v1', 'usage_per_minute_by_team_mv_v1', 'chargeback_per_day_mv_v1'];
  assert.equal(
    Number(await scalar(client, 'SELECT count() FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}', { names: retired })),
    0,
  );
});
