import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { restartablePort } from './support/ports.ts';
import { until } from './support/wait.ts';

// The restart takes its own broker (scripts/kafka.sh on ports and a data directory of its own):
// test files run two at a time, and stopping the shared broker refused the other file's
// connections (found in CI: chaos.clickhouse-down failed with ECONNREFUSED while this ran).
// Skipped where the Kafka tests are (no KAFKA_BROKERS: no Java and jars set up for them).
const kafkaConfigured = Boolean(process.env.KAFKA_BROKERS);
const script = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));
let own: { env: NodeJS.ProcessEnv; brokers: string[]; dir: string } | null = null;
const kafkaSh = (verb: string) => spawnSync('bash', [script, verb], { encoding: 'utf8', env: own!.env });

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => {
  store = await freshEmbeddedStore();
  if (!kafkaConfigured) return;
  const port = await restartablePort();
  let controller = await restartablePort();
  while (controller === port) controller = await restartablePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-broker-restart-'));
  own = {
    dir,
    brokers: [`127.0.0.1:${port}`],
    env: { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controller), KAFKA_DATA_DIR: dir },
  };
  const up = kafkaSh('up');
  assert.equal(up.status, 0, up.stderr);
});
after(async () => {
  if (own) {
    kafkaSh('down');
    rmSync(own.dir, { recursive: true, force: true });
  }
  await store.dispose();
});

test(
  'the broker restarts mid-traffic: the collector keeps publishing without blocking, and every attempt arrives once',
  { skip: kafkaConfigured ? undefined : 'needs Java and the Kafka jars (KAFKA_BROKERS set, as .ci/run does)', timeout: 180_000 },
  async () => {
    const topic = `llm.attempts.v1.restart-${crypto.randomUUID().slice(0, 8)}`;
    const writer = createAttemptWriter({ clickhouse: store.client, source: topic, maxRows: 500 });
    const subscriber = createKafkaAttemptSubscriber({
      brokers: own!.brokers,
      clientId: 'restart',
      topic,
      groupId: `g-${topic}`,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
    });
    const publisher = createKafkaAttemptPublisher({ brokers: own!.brokers, clientId: 'restart-pub', topic });
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
