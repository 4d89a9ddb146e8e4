import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const fresh = () => `llm.attempts.v1.test-${crypto.randomUUID().slice(0, 8)}`;

describe('Kafka transport against a real broker', { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up' }, () => {
  test('every published event arrives exactly once, keyed by request, and commits', async () => {
    const topic = fresh();
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'test-pub', topic });
    const events = Array.from({ length: 500 }, () => sampleAttemptEvent());
    for (const e of events) publisher.publish(e);
    await publisher.flush(30_000);
    const seen = new Map<string, number>();
    const keys = new Set<string | null>();
    const subscriber = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'test-sub', topic, groupId: `g-${topic}` });
    await subscriber.start(async (batch) => {
      for (const m of batch) {
        const id = JSON.parse(m.value).attempt_id as string;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        keys.add(m.key);
      }
    });
    await until('all 500 events', async () => seen.size === 500);
    await subscriber.stop();
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      'no duplicates',
    );
    assert.deepEqual(new Set(events.map((e) => e.attempt_id)), new Set(seen.keys()));
    assert.ok(keys.has(events[0]!.request_id), 'message key is the request id');
    await publisher.close();

    // The group committed: a new subscriber in the same group gets nothing old.
    const again: RawAttemptMessage[] = [];
    const second = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'test-sub2', topic, groupId: `g-${topic}` });
    await second.start(async (batch) => void again.push(...batch));
    const late = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'test-pub2', topic });
    const marker = sampleAttemptEvent();
    late.publish(marker);
    await late.close();
    await until('the new event', async () => again.length > 0);
    await second.stop();
    assert.deepEqual(
      again.map((m) => JSON.parse(m.value).attempt_id),
      [marker.attempt_id],
    );
  });

  test('a failing handler gets the same batch again and nothing is lost', async () => {
    const topic = fresh();
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'test-pub', topic });
    for (let i = 0; i < 50; i++) publisher.publish(sampleAttemptEvent());
    await publisher.close();
    let failed = false;
    const delivered = new Set<string>();
    const subscriber = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'test-sub', topic, groupId: `g-${topic}` });
    await subscriber.start(async (batch) => {
      if (!failed) {
        failed = true;
        throw new Error('ClickHouse unavailable');
      }
      for (const m of batch) delivered.add(`${m.partition}/${m.offset}`);
    });
    await until('all 50 after the retry', async () => delivered.size === 50);
    await subscriber.stop();
    assert.ok(failed);
  });

  test('an unreachable broker never blocks or throws from publish; events wait and are counted as pending', async () => {
    const publisher = createKafkaAttemptPublisher({ brokers: ['127.0.0.1:1'], clientId: 'test-down', topic: fresh() });
    const started = performance.now();
    for (let i = 0; i < 100; i++) publisher.publish(sampleAttemptEvent());
    assert.ok(performance.now() - started < 200, 'publish returned at once');
    await assert.rejects(publisher.flush(500), /100 events not acknowledged/);
    assert.equal(publisher.dropped, 0);
    await publisher.close();
  });
});
