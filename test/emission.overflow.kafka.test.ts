import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { BrokerProxy } from './support/broker-proxy.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { topicCensus } from './support/topic-census.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const fresh = () => `llm.attempts.v1.emission-${crypto.randomUUID().slice(0, 8)}`;

/** The real broker behind a proxy, for one test. */
async function proxied<T>(run: (proxy: BrokerProxy) => Promise<T>): Promise<T> {
  const [host, port] = brokers![0]!.split(':');
  const proxy = await BrokerProxy.start({ host: host!, port: Number(port) });
  try {
    return await run(proxy);
  } finally {
    await proxy.close();
  }
}

describe(
  'emission under a slow or vanishing broker (real broker behind a proxy)',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 120_000 },
  () => {
    test('a memory bound of 4 overflowing while a batch is in flight: every event arrives once, the rest went through the spool', async () => {
      const topic = fresh();
      const spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-emission-'));
      try {
        await proxied(async (proxy) => {
          const publisher = createKafkaAttemptPublisher({
            brokers: brokers!,
            clientId: 'overflow',
            topic,
            maxBuffered: 4,
            batchSize: 2,
            lingerMs: 1,
            spoolDir,
            connect: proxy.connect,
          });
          const events = Array.from({ length: 41 }, () => sampleAttemptEvent());
          publisher.publish(events[0]!);
          await publisher.flush(30_000); // connected, topic made
          proxy.paused = true; // the broker stalls: the next batch stays in flight
          for (const e of events.slice(1, 3)) publisher.publish(e);
          await until('a batch in flight', async () => proxy.held > 0);
          for (const e of events.slice(3)) publisher.publish(e);
          await until('the overflow to reach the spool', async () => publisher.emission().spooled > 0);
          const during = publisher.emission();
          assert.equal(during.dropped, 0);
          assert.ok(during.inMemory <= 4 + 2, `memory holds at most the bound and the batch in flight (${during.inMemory})`);
          proxy.resume();
          await publisher.flush(30_000);
          const after = publisher.emission();
          await publisher.close();
          assert.deepEqual({ published: after.published, delivered: after.delivered, dropped: after.dropped }, { published: 41, delivered: 41, dropped: 0 });
          assert.equal(after.spooled, 38, 'everything queued behind the batch in flight went to disk');
          assert.deepEqual(after.spool, { events: 0, segments: 0, bytes: 0, oldestAt: null });
          assert.equal(publisher.producersCreated, 1);
        });
        const census = await topicCensus(brokers!, topic);
        assert.equal(census.messages, 41, 'none lost, none doubled');
        assert.deepEqual(new Set(census.byAttempt.keys()).size, 41);
      } finally {
        rmSync(spoolDir, { recursive: true, force: true });
      }
    });

    test('the found case without a spool: overflow drops only queued events, never the one in flight, and counts exactly what is missing', async () => {
      const topic = fresh();
      await proxied(async (proxy) => {
        const publisher = createKafkaAttemptPublisher({
          brokers: brokers!,
          clientId: 'overflow-nospool',
          topic,
          maxBuffered: 4,
          batchSize: 2,
          lingerMs: 1,
          connect: proxy.connect,
        });
        publisher.publish(sampleAttemptEvent());
        await publisher.flush(30_000);
        proxy.paused = true;
        publisher.publish(sampleAttemptEvent());
        publisher.publish(sampleAttemptEvent());
        await until('a batch in flight', async () => proxy.held > 0);
        for (let i = 0; i < 20; i++) publisher.publish(sampleAttemptEvent());
        assert.equal(publisher.emission().inMemory, 4 + 2);
        assert.equal(publisher.emission().refusal?.code, 'event_buffer_full', 'the collector would now answer 503');
        proxy.resume();
        await publisher.flush(30_000);
        const stats = publisher.emission();
        await publisher.close();
        // 1 + 2 + 20 published; the warm-up, the pair in flight and the 4 newest arrive: 16 dropped, 7 delivered.
        assert.deepEqual({ published: stats.published, delivered: stats.delivered, dropped: stats.dropped }, { published: 23, delivered: 7, dropped: 16 });
      });
      const census = await topicCensus(brokers!, topic);
      assert.equal(census.messages, 7, 'what arrived is exactly published − dropped');
      assert.ok([...census.byAttempt.values()].every((n) => n === 1));
    });

    test('an acknowledgement lost with the connection: the same producer re-sends the same batch and the broker keeps one copy', async () => {
      const topic = fresh();
      const logs: string[] = [];
      await proxied(async (proxy) => {
        const publisher = createKafkaAttemptPublisher({
          brokers: brokers!,
          clientId: 'lost-ack',
          topic,
          lingerMs: 1,
          connect: proxy.connect,
          logger: (m) => logs.push(m),
        });
        publisher.publish(sampleAttemptEvent());
        await publisher.flush(30_000);
        proxy.swallowAnswers = true;
        for (let i = 0; i < 10; i++) publisher.publish(sampleAttemptEvent());
        // The broker wrote the batch; its answer never reached the producer.
        await until('the broker to hold the batch', async () => (await topicHigh(topic)) === 11);
        proxy.down = true;
        proxy.cut();
        await until('kafkajs to give up and the publisher to retry', async () => logs.some((l) => l.includes('send failed')), 30_000);
        proxy.swallowAnswers = false;
        proxy.down = false;
        await publisher.flush(30_000);
        await publisher.close();
        assert.equal(publisher.producersCreated, 1, 'one producer id across the outage');
        assert.equal(publisher.dropped, 0);
      });
      const census = await topicCensus(brokers!, topic);
      assert.equal(census.messages, 11, 'the re-sent batch was recognised as a duplicate, not written again');
    });
  },
);

/** Messages on the topic, read past the proxy. */
async function topicHigh(topic: string): Promise<number> {
  const probe = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'high', topic, groupId: 'unused' });
  return (await probe.lag()).reduce((n, p) => n + Number(p.high), 0);
}
