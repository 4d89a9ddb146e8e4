import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { startCli } from './support/cli-process.ts';
import { scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { graphql } from './support/spine-scenario.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const EVENTS = 20_000;
const POISON = ['{"truncated": ', '{"schema_version": 1}', 'not json at all', '', JSON.stringify({ ...sampleAttemptEvent(), cost_usd: -1 })];

test(
  'kill -9 of ingest mid-stream, then restart: every event stored once, rollups equal raw, the DLQ holds exactly the poison',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 240_000 },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-chaos-'));
    const suffix = crypto.randomUUID().slice(0, 8);
    const topic = `llm.attempts.v1.chaos-${suffix}`;
    const env = { KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: `chaos-${suffix}`, SWITCHYARD_DATA: data, SWITCHYARD_API_PORT: '0' };
    const kafka = new Kafka({ clientId: 'chaos', brokers: brokers!, logLevel: logLevel.NOTHING });
    try {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const day = new Date().toISOString().slice(0, 10);
      for (let sent = 0; sent < EVENTS; sent += 2000) {
        const batch = Array.from({ length: 2000 }, (_, i) => {
          const e = sampleAttemptEvent({
            cost_usd: `0.${String(((sent + i) % 997) + 1).padStart(9, '0')}`,
            tags: { ...sampleAttemptEvent().tags, team: `team-${i % 7}` },
          });
          return { key: e.request_id, value: serializeAttemptEvent(e) };
        });
        if (sent / 2000 < POISON.length) batch.splice(1000, 0, { key: 'poison', value: POISON[sent / 2000]! });
        await producer.send({ topic, acks: -1, messages: batch });
      }
      await producer.disconnect();

      // First run: killed without warning while it is storing.
      const first = await startCli(['ingest'], { ...env, SWITCHYARD_INGEST_MAX_ROWS: '1000' }, /switchyard running/);
      await until('the first run to be mid-stream', async () => /rejected message/.test(first.output()), 60_000);
      first.child.kill('SIGKILL');
      await first.exited;

      // Second run: picks up from the last committed offsets.
      const second = await startCli(['ingest', 'api'], { ...env, SWITCHYARD_INGEST_MAX_ROWS: '1000' }, /GraphQL:\s+http/);
      const apiUrl = /GraphQL:\s+(\S+)/.exec(second.output())![1]!;
      const vars = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
      await until(
        'all events to be stored',
        async () => {
          const r = await graphql<{ costReport: { total: { attempts: number } } }>(
            apiUrl,
            'query($from: String!, $to: String!) { costReport(from: $from, to: $to) { total { attempts } } }',
            vars,
          );
          return r.costReport.total.attempts >= EVENTS;
        },
        120_000,
      );
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.output());

      const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
      try {
        assert.equal(Number(await scalar(client, 'SELECT count() FROM attempts')), EVENTS, 'raw rows before any merge: no duplicates, no loss');
        assert.equal(Number(await scalar(client, 'SELECT uniqExact(attempt_id) FROM attempts')), EVENTS);
        const report = await reconcileDay(client, day);
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(Number(await scalar(client, 'SELECT uniqExact(partition, offset) FROM rejected_events')), POISON.length);
        assert.equal(Number(await scalar(client, 'SELECT count() FROM rejected_events')), POISON.length, 'each poison message recorded once');
      } finally {
        await client.close();
      }

      const dlq = new Set<string>();
      const consumer = kafka.consumer({ groupId: `chaos-dlq-${suffix}` });
      await consumer.connect();
      await consumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void dlq.add(`${message.headers?.source_partition}/${message.headers?.source_offset}`) });
      await until('the DLQ to hold every poison message', async () => dlq.size >= POISON.length, 30_000);
      await consumer.disconnect();
      assert.equal(dlq.size, POISON.length, 'the DLQ holds exactly the poison messages');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  },
);
