import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessAttemptBus } from './in-process-bus.ts';
import type { RawAttemptMessage } from './event-bus.ts';
import { sampleAttemptEvent } from '../../test/support/sample-event.ts';

test('events published before the subscriber starts are delivered in order once it does', async () => {
  const bus = new InProcessAttemptBus({ batchSize: 10, lingerMs: 1 });
  const events = Array.from({ length: 25 }, () => sampleAttemptEvent());
  for (const e of events) bus.publisher.publish(e);
  const seen: string[] = [];
  await bus.subscriber.start(async (batch) => {
    assert.ok(batch.length <= 10);
    for (const m of batch) seen.push(JSON.parse(m.value).attempt_id);
  });
  await bus.publisher.flush();
  assert.deepEqual(
    seen,
    events.map((e) => e.attempt_id),
  );
  await bus.subscriber.stop();
});

test('a failing handler gets the same batch again; nothing is lost or skipped', async () => {
  const bus = new InProcessAttemptBus({ batchSize: 100, lingerMs: 1, retryDelayMs: 5 });
  const deliveries: RawAttemptMessage[][] = [];
  let failures = 2;
  await bus.subscriber.start(async (batch) => {
    deliveries.push(batch);
    if (failures-- > 0) throw new Error('ClickHouse unavailable');
  });
  for (let i = 0; i < 5; i++) bus.publisher.publish(sampleAttemptEvent());
  await bus.publisher.flush();
  assert.equal(deliveries.length, 3);
  assert.deepEqual(
    deliveries[0]!.map((m) => m.offset),
    deliveries[2]!.map((m) => m.offset),
  );
  assert.equal(bus.pending, 0);
  await bus.subscriber.stop();
});

test('beyond its bound the queue drops the oldest and counts it', () => {
  const bus = new InProcessAttemptBus({ maxBuffered: 3 });
  for (let i = 0; i < 5; i++) bus.publisher.publish(sampleAttemptEvent());
  assert.equal(bus.publisher.dropped, 2);
  assert.equal(bus.pending, 3);
});

test('close gives up after its timeout when ingest cannot store, and says how many events are lost', async () => {
  const logs: string[] = [];
  const bus = new InProcessAttemptBus({ lingerMs: 1, retryDelayMs: 5, closeTimeoutMs: 100, log: (m) => logs.push(m) });
  await bus.subscriber.start(async () => {
    throw new Error('ClickHouse down');
  });
  for (let i = 0; i < 3; i++) bus.publisher.publish(sampleAttemptEvent());
  await bus.publisher.close();
  // The handler's failures are logged too (since issue 8); the shutdown line is the one about the queue.
  assert.match(logs.find((l) => l.includes('did not take')) ?? '(no such line)', /did not take 3 queued events within 100 ms/);
  await bus.subscriber.stop();
});

test('with a batch interval, events arriving after a batch was handed over wait to join the next one, up to the interval', async () => {
  const bus = new InProcessAttemptBus({ batchSize: 100, lingerMs: 1, batchIntervalMs: 300 });
  const batches: number[] = [];
  let release!: () => void;
  const firstHeld = new Promise<void>((r) => (release = r));
  await bus.subscriber.start(async (batch) => {
    batches.push(batch.length);
    if (batches.length === 1) await firstHeld;
  });
  bus.publisher.publish(sampleAttemptEvent());
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++) bus.publisher.publish(sampleAttemptEvent());
  release();
  // Without the interval these would go in a batch of their own right after the first.
  await new Promise((r) => setTimeout(r, 30));
  for (let i = 0; i < 5; i++) bus.publisher.publish(sampleAttemptEvent());
  await bus.publisher.flush();
  assert.deepEqual(batches, [1, 10]);
  await bus.subscriber.stop();
});

test('with a batch interval, a full batch and a flush go at once', { timeout: 5000 }, async () => {
  const bus = new InProcessAttemptBus({ batchSize: 5, lingerMs: 1, batchIntervalMs: 60_000 });
  const batches: number[] = [];
  let secondFull!: () => void;
  const second = new Promise<void>((r) => (secondFull = r));
  await bus.subscriber.start(async (batch) => {
    batches.push(batch.length);
    if (batches.length === 2) secondFull();
  });
  bus.publisher.publish(sampleAttemptEvent());
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++) bus.publisher.publish(sampleAttemptEvent());
  await second;
  bus.publisher.publish(sampleAttemptEvent());
  await bus.publisher.flush();
  assert.deepEqual(batches, [1, 5, 1]);
  assert.equal(bus.pending, 0);
  await bus.subscriber.stop();
});
