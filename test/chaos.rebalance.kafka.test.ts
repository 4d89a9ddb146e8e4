import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

// Two ingest members of one group writing to one store (one process: an embedded store cannot be
// shared between processes). Members join and leave mid-stream; partitions move between them.
test(
  'ingest members joining and leaving mid-stream lose nothing and duplicate nothing',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 180_000 },
  async () => {
    const topic = `llm.attempts.v1.rebalance-${crypto.randomUUID().slice(0, 8)}`;
    const member = (name: string) => {
      const writer = createAttemptWriter({ clickhouse: store.client, source: topic, maxRows: 200 });
      const subscriber = createKafkaAttemptSubscriber({
        brokers: brokers!,
        clientId: name,
        topic,
        groupId: `g-${topic}`,
        fetchMinBytes: 1,
        fetchMaxWaitMs: 100,
      });
      return { writer, subscriber, start: () => subscriber.start(writer.handle) };
    };
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'rebalance-pub', topic });
    const publish = (n: number) => {
      for (let i = 0; i < n; i++) publisher.publish(sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'rebalance' } }));
    };
    const stored = async () => Number(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'rebalance'"));

    const a = member('ingest-a');
    await a.start();
    publish(3000);
    await until('member a to store some', async () => (await stored()) > 0, 30_000);
    const b = member('ingest-b');
    await b.start(); // rebalance: b takes partitions from a
    publish(3000);
    await until('both members to have stored some', async () => a.writer.stats.stored > 0 && b.writer.stats.stored > 0, 60_000);
    await a.subscriber.stop(); // a leaves mid-stream: its partitions move to b
    publish(2000);
    const c = member('ingest-c');
    await c.start();
    await until('all 8,000 to be stored', async () => (await stored()) >= 8000, 90_000);
    await publisher.close();
    await b.subscriber.stop();
    await c.subscriber.stop();
    assert.equal(await stored(), 8000, 'raw rows: no loss, no duplicates');
    assert.equal(Number(await scalar(store.client, "SELECT uniqExact(attempt_id) FROM attempts WHERE team = 'rebalance'")), 8000);
    const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
    assert.equal(report.ok, true, `rollups equal raw: ${JSON.stringify(report)}`);
  },
);
