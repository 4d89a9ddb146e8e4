import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileDay } from './reconcile-day.ts';
import { createAttemptWriter } from './attempt-writer.ts';
import { toAttemptRow } from './attempt-row.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';
import { pricedTraffic } from '../test/support/priced-traffic.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

const DAY = '2026-11-20';
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const batch = (events: ReturnType<typeof sampleAttemptEvent>[], first: number, partition = 0): RawAttemptMessage[] =>
  events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition, offset: String(first + i) }));

test('rollups equal distinct raw attempts, requests and cost for a day, even when a batch is replayed', async () => {
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'reconcile' });
  const events = Array.from({ length: 50 }, (_, i) =>
    sampleAttemptEvent({
      started_at: at(i % 7),
      ended_at: at(i % 7),
      is_final: i % 5 !== 0,
      cost_usd: `0.${String(i + 1).padStart(6, '0')}`,
      tags: { ...sampleAttemptEvent().tags, team: `t${i % 3}`, user: `u${i % 4}` },
    }),
  );
  const first = batch(events.slice(0, 30), 0);
  await handle(first);
  await handle(batch(events.slice(30), 30));
  await handle(first); // the transport redelivers a batch it could not commit
  const report = await reconcileDay(store.client, DAY);
  assert.equal(report.raw.attempts, 50);
  assert.equal(report.raw.requests, 40);
  assert.equal(report.raw.costUsd, '0.001275000000');
  for (const [table, totals] of Object.entries(report.rollups)) assert.equal(totals.attempts, 50, table);
  assert.equal(report.ok, true, JSON.stringify(report));
});

test('a rollup that double counts is caught', async () => {
  // Bypass deduplication: the same row inserted twice straight into attempts, as a naive consumer would.
  const e = sampleAttemptEvent({ started_at: at(30), ended_at: at(30), cost_usd: '1' });
  // Each with its own token: a token is what makes ClickHouse drop a block as a replay.
  for (const token of ['naive-1', 'naive-2']) {
    await store.client.insert({
      table: 'attempts',
      values: [toAttemptRow(e)],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token },
    });
  }
  const report = await reconcileDay(store.client, DAY);
  assert.equal(report.ok, false);
  assert.equal(report.raw.attempts, 51);
  assert.equal(report.rollups.chargeback_per_day_v2!.attempts, 52);
  assert.ok(report.mismatches.includes('chargeback_per_day_v2.attempts: raw 51, rollup 52'), report.mismatches.join('\n'));
  assert.equal(
    Number(await scalar(store.client, 'SELECT count() FROM attempts FINAL WHERE toDate(started_at) = {d:Date}', { d: DAY })),
    51,
    'raw FINAL collapses the duplicate',
  );
});

const PRICED_DAY = '2026-11-23';

test('priced traffic reconciles on every column of every v2 rollup, and each rollup says what it checked', async () => {
  const events = pricedTraffic(PRICED_DAY);
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'reconcile-priced' });
  await handle(batch(events, 0));
  const report = await reconcileDay(store.client, PRICED_DAY);
  assert.equal(report.ok, true, report.mismatches.join('\n'));
  assert.equal(report.raw.requests, 55);
  assert.equal(report.raw.requestsServed, 28);
  assert.notEqual(report.raw.cacheWriteCostUsd, '0.000000000000');
  assert.equal(report.raw.unallocatedCostUsd, '0.000000000000');
  assert.deepEqual(Object.keys(report.rollups), ['attempts_per_minute_by_deployment_v2', 'chargeback_per_hour_v2', 'chargeback_per_day_v2']);
  const hourly = report.rollups.chargeback_per_hour_v2!;
  assert.deepEqual(hourly.unchecked, []);
  for (const column of ['attempts', 'requests', 'requests_served', 'cache_write_tokens', 'cost_usd', 'input_cost_usd', 'reasoning_cost_usd', 'list_cost_usd'])
    assert.ok(hourly.checked.includes(column), column);
  const minute = report.rollups.attempts_per_minute_by_deployment_v2!;
  assert.ok(minute.checked.includes('requests') && minute.checked.includes('cache_write_tokens'));
  assert.deepEqual(minute.unchecked, [
    'input_cost_usd',
    'cached_input_cost_usd',
    'cache_write_cost_usd',
    'output_cost_usd',
    'reasoning_cost_usd',
    'unallocated_cost_usd',
    'list_cost_usd',
  ]);
  assert.equal(minute.listCostUsd, undefined, 'no number for a column the rollup does not have');
});

test('a tampered rollup fails, naming the table and the column', async () => {
  await store.client.command({
    query: `INSERT INTO chargeback_per_hour_v2 (hour, team, cache_write_cost_usd, cost_usd)
            VALUES (toDateTime({day:Date}) + INTERVAL 3 HOUR, 'search', 0.5, 0.5)`,
    query_params: { day: PRICED_DAY },
  });
  const report = await reconcileDay(store.client, PRICED_DAY);
  assert.equal(report.ok, false);
  assert.equal(report.rollups.chargeback_per_day_v2!.ok, true, 'the other rollups still agree');
  assert.equal(report.rollups.attempts_per_minute_by_deployment_v2!.ok, true);
  const names = report.mismatches.map((m) => m.split(':')[0]);
  assert.deepEqual(names, ['chargeback_per_hour_v2.cost_usd', 'chargeback_per_hour_v2.cache_write_cost_usd']);
});

test('a rollup without a requests column is never ok on requests: it lists them as unchecked', async () => {
  const report = await reconcileDay(store.client, PRICED_DAY, [
    { table: 'attempts_per_minute_by_deployment_v2', dayFilter: 'toDate(minute) = {day:Date}', measures: ['attempts', 'costUsd'] },
  ]);
  const r = report.rollups.attempts_per_minute_by_deployment_v2!;
  assert.deepEqual(r.checked, ['attempts', 'cost_usd']);
  assert.ok(r.unchecked.includes('requests') && r.unchecked.includes('requests_served'));
  assert.equal(r.requests, undefined);
  assert.equal(report.ok, true);
});
