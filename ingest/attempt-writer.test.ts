import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAttemptWriter } from './attempt-writer.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose().catch(() => undefined));

const messages = (values: string[], firstOffset: number): RawAttemptMessage[] =>
  values.map((value, i) => ({ key: null, value, partition: 1, offset: String(firstOffset + i) }));

test('good events are stored, poison ones go to rejected_events with the reason, and the batch succeeds', async () => {
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'writer-test' });
  const good = [sampleAttemptEvent({ cost_usd: '0.000000000001' }), sampleAttemptEvent({ cost_usd: '1.100000000000' })];
  await handle(messages([serializeAttemptEvent(good[0]!), '{"garbage": true', JSON.stringify({ ...good[1], status: 'great' }), serializeAttemptEvent(good[1]!)], 0));
  assert.equal(stats.stored, 2);
  assert.equal(stats.rejected, 2);
  assert.equal(await scalar(store.client, 'SELECT count() FROM attempts'), '2');
  assert.equal(await scalar(store.client, 'SELECT toString(sum(cost_usd)) FROM attempts'), '1.100000000001');
  const rejected = await (await store.client.query({ query: 'SELECT offset, error FROM rejected_events ORDER BY offset', format: 'JSONEachRow' })).json<{ offset: string; error: string }>();
  assert.deepEqual(rejected.map((r) => r.offset), ['1', '2']);
  assert.match(rejected[0]!.error, /not JSON/);
  assert.match(rejected[1]!.error, /status/);
});

test('a redelivered batch (same offsets) is absorbed, not stored twice', async () => {
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'replay-test' });
  const batch = messages([sampleAttemptEvent(), sampleAttemptEvent()].map(serializeAttemptEvent), 100);
  const before = Number(await scalar(store.client, 'SELECT count() FROM attempts'));
  await handle(batch);
  await handle(batch);
  assert.equal(Number(await scalar(store.client, 'SELECT count() FROM attempts')), before + 2);
});

// Last in this file: it closes the store (chDB allows one data directory per process).
test('ClickHouse down: the batch fails, so the transport will not commit it', async () => {
  await store.client.close();
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'down-test' });
  await assert.rejects(handle(messages([serializeAttemptEvent(sampleAttemptEvent())], 0)));
  assert.equal(stats.stored, 0);
});
