import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);

/** The broker's smallest allowed session (group.min.session.timeout.ms), so the test stays short. */
const SESSION_MS = 6000;

// A full fetch cut into small inserts on a loaded machine can take longer than the session.
// kafkajs heartbeats only between batches; without the subscriber's own heartbeat the broker
// dropped the member mid-batch and the group had committed nothing 90 s later (seen with the
// heartbeat disabled: the same stall as chaos.dedupe.kafka's time-out with larger fetches).
test(
  'a batch handled for longer than the consumer session keeps its partitions: handled once, then committed',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 120_000 },
  async () => {
    const topic = `llm.attempts.v1.slow-batch-${crypto.randomUUID().slice(0, 8)}`;
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'slow-batch-pub', topic });
    for (let i = 0; i < 30; i++) publisher.publish(sampleAttemptEvent());
    await publisher.flush();
    await publisher.close();

    const subscriber = createKafkaAttemptSubscriber({
      brokers: brokers!,
      clientId: 'slow-batch',
      topic,
      groupId: `g-${topic}`,
      sessionTimeoutMs: SESSION_MS,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 100,
    });
    const handled = new Map<string, number>();
    let slowBatches = 0;
    try {
      await subscriber.start(async (messages: RawAttemptMessage[]) => {
        // The first batch outlasts the session more than twice over; later ones are quick.
        if (slowBatches++ === 0) await sleep(2.5 * SESSION_MS);
        for (const m of messages) handled.set(`${m.partition}/${m.offset}`, (handled.get(`${m.partition}/${m.offset}`) ?? 0) + 1);
      });
      await until('every message committed', async () => (await subscriber.lag()).every((p) => p.lag === 0), 90_000);
    } finally {
      await subscriber.stop();
    }
    assert.equal(handled.size, 30);
    const twice = [...handled].filter(([, n]) => n > 1).map(([at]) => at);
    assert.deepEqual(twice, [], 'no message handled twice (a member dropped mid-batch has its batch redelivered)');
  },
);
