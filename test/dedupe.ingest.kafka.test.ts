import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { createIngestService, type IngestService } from '../ingest/ingest-service.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { assertGrowsBy, attemptMessages, kafkaFor } from './support/copies.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const skip = brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up';
const N = 3000;

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

// Copies of the same events produced again at new offsets (a producer re-send, a spool replay, a
// replayed topic), consumed by real ingest members of one group writing to one store.
function scenario(name: string) {
  const topic = `llm.attempts.v1.dedupe-${name}-${crypto.randomUUID().slice(0, 8)}`;
  const groupId = `g-${topic}`;
  const member = (clientId: string): IngestService =>
    createIngestService({
      subscriber: createKafkaAttemptSubscriber({ brokers: brokers!, clientId, topic, groupId, fetchMinBytes: 1, fetchMaxWaitMs: 100 }),
      clickhouse: store.client,
      source: topic,
      maxRows: 500,
    });
  const storedOnce = async () => {
    assert.equal(Number(await scalar(store.client, 'SELECT count() FROM attempts WHERE source = {topic:String}', { topic })), N, 'raw rows, before any merge');
    assert.equal(
      Number(await scalar(store.client, 'SELECT uniqExact(attempt_id) FROM attempts WHERE source = {topic:String}', { topic })),
      N,
      'distinct attempts == produced',
    );
    const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
    assert.equal(report.ok, true, JSON.stringify(report));
  };
  return { topic, groupId, member, storedOnce };
}

test(
  'the same events produced twice at new offsets: stored once in raw, counted once in every rollup, reconcile passes',
  { skip, timeout: 120_000 },
  async () => {
    const s = scenario('twice');
    const kafka = await kafkaFor(brokers!, s.topic);
    const messages = attemptMessages(N, 'dedupe-twice');
    const ingest = s.member('ingest-twice');
    await assertGrowsBy(store.client, N, async () => {
      await kafka.produce(messages);
      await kafka.produce(messages);
      await ingest.start();
      await until('both copies consumed and committed', () => kafka.drained(s.groupId), 60_000);
      await ingest.stop();
    });
    assert.equal(ingest.stats.duplicates, N);
    await s.storedOnce();
    await kafka.close();
  },
);

test('an ingest restart between the copies: the state survives in ClickHouse', { skip, timeout: 120_000 }, async () => {
  const s = scenario('restart');
  const kafka = await kafkaFor(brokers!, s.topic);
  const messages = attemptMessages(N, 'dedupe-restart');
  await assertGrowsBy(store.client, N, async () => {
    const first = s.member('ingest-before');
    await first.start();
    await kafka.produce(messages);
    await until('the originals committed', () => kafka.drained(s.groupId), 60_000);
    await first.stop();
    const second = s.member('ingest-after'); // a new process: nothing of the first in memory
    await second.start();
    await kafka.produce(messages);
    await until('the copies committed', () => kafka.drained(s.groupId), 60_000);
    await second.stop();
    assert.equal(second.stats.duplicates, N);
    assert.equal(second.stats.stored, 0);
  });
  await s.storedOnce();
  await kafka.close();
});

test('partitions reassigned to another group member between the copies: it removes copies of what the first stored', { skip, timeout: 120_000 }, async () => {
  const s = scenario('moved');
  const kafka = await kafkaFor(brokers!, s.topic);
  const messages = attemptMessages(N, 'dedupe-moved');
  const a = s.member('ingest-a');
  const b = s.member('ingest-b');
  await assertGrowsBy(store.client, N, async () => {
    await a.start(); // alone: every partition
    await kafka.produce(messages);
    await until('the originals committed', () => kafka.drained(s.groupId), 60_000);
    await b.start(); // the group rebalances: b takes partitions a stored
    await kafka.produce(messages);
    await until('the copies committed', () => kafka.drained(s.groupId), 60_000);
    await a.stop();
    await b.stop();
  });
  assert.equal(b.stats.stored, 0, 'b only ever saw copies');
  assert.ok(b.stats.duplicates > 0, 'b handled partitions that a had stored');
  assert.equal(a.stats.duplicates + b.stats.duplicates, N);
  await s.storedOnce();
  await kafka.close();
});
