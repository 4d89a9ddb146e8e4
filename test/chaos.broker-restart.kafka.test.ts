import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
const kafkaSh = (verb: string) => spawnSync('bash', [script, verb], { encoding: 'utf8' });
// Restarting needs the broker this project's script started, not just any broker.
const ours = brokers && kafkaSh('status').status === 0;

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => {
  if (ours && kafkaSh('status').status !== 0) kafkaSh('up');
  await store.dispose();
});

test(
  'the broker restarts mid-traffic: the collector keeps publishing without blocking, and every attempt arrives once',
  { skip: ours ? undefined : 'needs the broker started by scripts/kafka.sh', timeout: 180_000 },
  async () => {
    const topic = `llm.attempts.v1.restart-${crypto.randomUUID().slice(0, 8)}`;
    const writer = createAttemptWriter({ clickhouse: store.client, source: topic, maxRows: 500 });
    const subscriber = createKafkaAttemptSubscriber({
      brokers: brokers!,
      clientId: 'restart',
      topic,
      groupId: `g-${topic}`,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
    });
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'restart-pub', topic });
    await subscriber.start(writer.handle);
    const publish = (n: number) => {
      for (let i = 0; i < n; i++) publisher.publish(sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'restart' } }));
    };
    const stored = async () => Number(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'restart'"));

    publish(1000);
    await until('the first events to be stored', async () => (await stored()) > 0, 30_000);
    assert.equal(kafkaSh('down').status, 0);
    const started = performance.now();
    publish(1000); // the broker is down: publish must neither block nor throw
    assert.ok(performance.now() - started < 500);
    assert.equal(kafkaSh('up').status, 0);
    await until('all 2,000 to be stored after the restart', async () => (await stored()) >= 2000, 120_000);
    await publisher.close();
    await subscriber.stop();
    assert.equal(await stored(), 2000, 'raw rows: none lost, none twice');
    assert.equal(publisher.dropped, 0);
    const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
    assert.equal(report.ok, true, `rollups equal raw: ${JSON.stringify(report)}`);
  },
);
