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
  // A schema violation: status is an open enum, but an HTTP status past 599 is refused.
  await handle(
    messages([serializeAttemptEvent(good[0]!), '{"garbage": true', JSON.stringify({ ...good[1], http_status: 999 }), serializeAttemptEvent(good[1]!)], 0),
  );
  assert.equal(stats.stored, 2);
  assert.equal(stats.rejected, 2);
  assert.equal(await scalar(store.client, 'SELECT count() FROM attempts'), '2');
  assert.equal(await scalar(store.client, 'SELECT toString(sum(cost_usd)) FROM attempts'), '1.100000000001');
  const rejected = await (
    await store.client.query({ query: 'SELECT offset, error FROM rejected_events ORDER BY offset', format: 'JSONEachRow' })
  ).json<{ offset: string; error: string }>();
  assert.deepEqual(
    rejected.map((r) => r.offset),
    ['1', '2'],
  );
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

test('after a crash before commit, redelivered messages cut differently are re-cut as stored: no duplicates, rollups included', async () => {
  const events = Array.from({ length: 10 }, () => sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'crash-test' } }));
  const all = messages(events.map(serializeAttemptEvent), 500);
  const before = createAttemptWriter({ clickhouse: store.client, source: 'crash', maxRows: 4 });
  await before.handle(all.slice(0, 6)); // stored as 500-503 and 504-505, then the process dies before committing
  const after = createAttemptWriter({ clickhouse: store.client, source: 'crash', maxRows: 4 });
  await after.handle(all); // a new fetch returns everything from the committed offset, 500-509
  const count = (q: string) => scalar(store.client, q).then(Number);
  assert.equal(await count("SELECT count() FROM attempts WHERE team = 'crash-test'"), 10, 'raw rows, before any merge');
  assert.equal(await count("SELECT sum(attempts) FROM attempts_per_minute_by_deployment_v2 WHERE team = 'crash-test'"), 10, 'rollup');
});

test('a row ClickHouse refuses is isolated by bisection and dead-lettered; the rest of the batch is stored', async () => {
  const events = Array.from({ length: 9 }, () => sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'bisect' } }));
  const poisonId = events[6]!.attempt_id;
  // ClickHouse itself refuses the row (as it would a value out of a column's range).
  const refusing = new Proxy(store.client, {
    get(target, prop, receiver) {
      if (prop !== 'insert') return Reflect.get(target, prop, receiver);
      return async (params: { table: string; values: unknown[] }) => {
        if (params.table === 'attempts' && params.values.some((v) => JSON.stringify(v).includes(poisonId))) {
          throw Object.assign(new Error('Cannot parse input: value out of range'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', code: '27' });
        }
        return target.insert(params as Parameters<typeof target.insert>[0]);
      };
    },
  });
  const letters: string[] = [];
  const { handle, stats } = createAttemptWriter({
    clickhouse: refusing,
    source: 'bisect',
    deadLetters: { send: async (l) => void letters.push(...l.map((d) => `${d.stage}:${d.message.offset}`)), close: async () => {} },
  });
  await handle(messages(events.map(serializeAttemptEvent), 0));
  assert.equal(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'bisect'"), '8');
  assert.deepEqual(letters, ['insert:6']);
  assert.ok(stats.bisections >= 3);
  assert.match(await scalar(store.client, "SELECT error FROM rejected_events WHERE source = 'bisect'"), /ClickHouse refused the row/);
});

test('ClickHouse unavailable is not a data error: the batch fails whole and nothing is dead-lettered', async () => {
  const failing = new Proxy(store.client, {
    get: (target, prop, receiver) =>
      prop === 'insert'
        ? async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
        : Reflect.get(target, prop, receiver),
  });
  const letters: unknown[] = [];
  const { handle } = createAttemptWriter({
    clickhouse: failing,
    source: 'unavailable',
    deadLetters: { send: async (l) => void letters.push(...l), close: async () => {} },
  });
  await assert.rejects(handle(messages([serializeAttemptEvent(sampleAttemptEvent())], 0)), /ECONNREFUSED/);
  assert.equal(letters.length, 0);
});

test('a newer producer adding an optional field is ingested by this version, not rejected', async () => {
  const event = sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'v1.1-producer' } });
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'evolution' });
  await handle(messages([JSON.stringify({ ...event, service_tier: 'priority', tags: { ...event.tags, cost_center: 'cc-7' } })], 0));
  assert.equal(stats.rejected, 0);
  assert.equal(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'v1.1-producer'"), '1');
});

test('a large batch is parsed in slices: the event loop turns (another partition can go on to its insert) before the parse ends', async () => {
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'slices-test' });
  const batch = messages(
    Array.from({ length: 3500 }, () => serializeAttemptEvent(sampleAttemptEvent())),
    0,
  );
  const parsedWhenLoopTurned: number[] = [];
  let done = false;
  const watch = () => {
    parsedWhenLoopTurned.push(stats.validatedFast);
    if (!done) setImmediate(watch);
  };
  setImmediate(watch);
  await handle(batch);
  done = true;
  assert.equal(stats.stored, 3500);
  // Turns of the loop seen while some, but not all, of the batch had been parsed.
  const midParse = parsedWhenLoopTurned.filter((n) => n > 0 && n < 3500);
  assert.ok(midParse.length >= 2, `loop turns during the parse: ${JSON.stringify([...new Set(parsedWhenLoopTurned)])}`);
});

// Last in this file: it closes the store (chDB allows one data directory per process).
test('ClickHouse down: the batch fails, so the transport will not commit it', async () => {
  await store.client.close();
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'down-test' });
  await assert.rejects(handle(messages([serializeAttemptEvent(sampleAttemptEvent())], 0)));
  assert.equal(stats.stored, 0);
});
