import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const OUTAGE_MS = 30_000;

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

/** The store as ingest sees it, with a switch that makes every call fail as a dead server would. */
function switchableClickHouse(client: ClickHouseClient): { client: ClickHouseClient; down: boolean; failedCalls: number } {
  const state = { client, down: false, failedCalls: 0 };
  state.client = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'insert' && prop !== 'query') return value;
      return (...args: unknown[]) => {
        if (state.down) {
          state.failedCalls++;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }));
        }
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  return state;
}

test(
  'ClickHouse unavailable for 30 s mid-stream: ingest retries the same batches, resumes, stores everything once',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 180_000 },
  async () => {
    const topic = `llm.attempts.v1.chdown-${crypto.randomUUID().slice(0, 8)}`;
    const ch = switchableClickHouse(store.client);
    const writer = createAttemptWriter({ clickhouse: ch.client, source: topic, maxRows: 500 });
    const subscriber = createKafkaAttemptSubscriber({
      brokers: brokers!,
      clientId: 'chdown',
      topic,
      groupId: `g-${topic}`,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
    });
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'chdown-pub', topic });
    await subscriber.start(writer.handle);
    const publish = (n: number) => {
      for (let i = 0; i < n; i++) publisher.publish(sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'chdown' } }));
    };

    publish(2000);
    await until('the first events to be stored', async () => writer.stats.stored > 0);
    ch.down = true;
    publish(3000);
    await publisher.flush(30_000);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    assert.ok(ch.failedCalls > 1, 'ingest kept retrying during the outage');
    const storedDuringOutage = writer.stats.stored;
    ch.down = false;
    await until(
      'everything to be stored after recovery',
      async () => Number(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'chdown'")) >= 5000,
      60_000,
    );

    await subscriber.stop();
    await publisher.close();
    assert.ok(storedDuringOutage < 5000, 'nothing was acknowledged while ClickHouse was down');
    assert.equal(Number(await scalar(store.client, "SELECT count() FROM attempts WHERE team = 'chdown'")), 5000, 'raw rows: no loss, no duplicates');
    const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
    assert.equal(report.ok, true, JSON.stringify(report));
  },
);
