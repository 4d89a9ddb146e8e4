import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileDay } from './reconcile-day.ts';
import { createAttemptWriter } from './attempt-writer.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

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
    sampleAttemptEvent({ started_at: at(i % 7), ended_at: at(i % 7), is_final: i % 5 !== 0, cost_usd: `0.${String(i + 1).padStart(6, "0")}`, tags: { ...sampleAttemptEvent().tags, team: `t${i % 3}`, user: `u${i % 4}` } }),
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
  // Bypass deduplication: the same rows under a different token, as a naive consumer would write.
  const e = sampleAttemptEvent({ started_at: at(30), ended_at: at(30), cost_usd: '1' });
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'naive' });
  await handle(batch([e], 0));
  await handle(batch([e], 0, 9));
  const report = await reconcileDay(store.client, DAY);
  assert.equal(report.ok, false);
  assert.equal(report.raw.attempts, 51);
  assert.equal(report.rollups.chargeback_per_day_v1!.attempts, 52);
  assert.equal(Number(await scalar(store.client, 'SELECT count() FROM attempts FINAL WHERE toDate(started_at) = {d:Date}', { d: DAY })), 51, 'raw FINAL collapses the duplicate');
});
