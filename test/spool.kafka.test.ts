import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);

test(
  'broker unreachable: events spill to an fsynced disk spool, survive the process, and are replayed exactly once',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 120_000 },
  async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-spool-'));
    const topic = `llm.attempts.v1.spool-${crypto.randomUUID().slice(0, 8)}`;
    try {
      // A collector whose broker is gone: nothing is lost when it shuts down.
      const down = createKafkaAttemptPublisher({ brokers: ['127.0.0.1:1'], clientId: 'spool-down', topic, spoolDir, maxBuffered: 100 });
      const events = Array.from({ length: 1000 }, () => sampleAttemptEvent());
      for (const e of events.slice(0, 600)) down.publish(e);
      await until('the queue to spill to disk', async () => down.spooledSegments > 0, 30_000);
      for (const e of events.slice(600)) down.publish(e);
      await down.close();
      assert.ok(readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')).length >= 2, 'spilled while down, and the rest at shutdown');

      // The next process, with the broker back, replays the spool before anything else.
      const up = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'spool-up', topic, spoolDir });
      await until('the spool to be replayed', async () => up.spooledSegments === 0, 30_000);
      await up.close();
      assert.deepEqual(
        readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')),
        [],
      );

      const seen = new Map<string, number>();
      const subscriber = createKafkaAttemptSubscriber({
        brokers: brokers!,
        clientId: 'spool-sub',
        topic,
        groupId: `g-${topic}`,
        fetchMinBytes: 1,
        fetchMaxWaitMs: 100,
      });
      await subscriber.start(async (batch) => {
        for (const m of batch) {
          const id = JSON.parse(m.value).attempt_id as string;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      });
      await until('all 1,000 events on the topic', async () => seen.size >= 1000, 30_000);
      await subscriber.stop();
      assert.deepEqual(new Set(seen.keys()), new Set(events.map((e) => e.attempt_id)));
      assert.ok(
        [...seen.values()].every((n) => n === 1),
        'each exactly once',
      );
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  },
);
