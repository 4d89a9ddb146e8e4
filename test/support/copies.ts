import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { serializeAttemptEvent } from '../../core/events/attempt-event.ts';
import { rollupAttemptTotals } from '../../ingest/live-rollups.ts';
import { scalar } from './embedded-store.ts';
import { sampleAttemptEvent } from './sample-event.ts';

/** Serialized attempt events keyed by request_id, as the collector sends them; cost varies per event. */
export function attemptMessages(n: number, team: string): Array<{ key: string; value: string }> {
  return Array.from({ length: n }, (_, i) => {
    const e = sampleAttemptEvent({ cost_usd: `0.${String((i % 997) + 1).padStart(9, '0')}`, tags: { ...sampleAttemptEvent().tags, team } });
    return { key: e.request_id, value: serializeAttemptEvent(e) };
  });
}

/** Test-side Kafka access: a fresh topic, a producer that re-sends at will, the group's progress. */
export async function kafkaFor(brokers: string[], topic: string, partitions = 3) {
  const kafka = new Kafka({ clientId: `test-${topic}`, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    /** Sends the messages (again): each send puts them at new offsets. */
    async produce(messages: Array<{ key: string; value: string }>): Promise<void> {
      for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
    },
    /** True once the group has committed every partition up to its high watermark. */
    async drained(groupId: string): Promise<boolean> {
      const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
      return high.every((h) => done.get(h.partition) === h.high);
    },
    /** Committed offset per partition ('-1': none yet). */
    async committed(groupId: string): Promise<Map<number, bigint>> {
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    },
    async close(): Promise<void> {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/**
 * Runs `action` and asserts that raw `attempts` (counted before any merge, so a stored copy would
 * show) and every rollup fed from it grew by exactly `rows`.
 */
export async function assertGrowsBy(client: ClickHouseClient, rows: number, action: () => Promise<void>): Promise<void> {
  const raw = () => scalar(client, 'SELECT count() FROM attempts').then(Number);
  const rawBefore = await raw();
  const before = await rollupAttemptTotals(client);
  assert.ok(Object.keys(before).length > 0, 'rollups are attached');
  await action();
  assert.equal((await raw()) - rawBefore, rows, 'raw rows');
  const after = await rollupAttemptTotals(client);
  for (const table of Object.keys(before)) assert.equal(after[table]! - before[table]!, rows, `rollup ${table}`);
}
