import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { DiskSpool } from '../core/transport/disk-spool.ts';
import { createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { createIngestService } from '../ingest/ingest-service.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { BIN, startCli } from './support/cli-process.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { topicCensus } from './support/topic-census.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS;
const SEGMENTS = 600;
const PER_SEGMENT = 25;
const PRODUCED = SEGMENTS * PER_SEGMENT;

const segmentsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length;

test(
  'kill -9 of the collector during spool replay, then a restart: every event on the topic, at most the segment in flight twice, raw distinct == produced',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 300_000 },
  async (t) => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-kill-replay-'));
    const spoolDir = join(data, 'spool');
    const topic = `llm.attempts.v1.kill-replay-${crypto.randomUUID().slice(0, 8)}`;
    const env = { KAFKA_BROKERS: brokers!, KAFKA_TOPIC: topic, SWITCHYARD_DATA: data, SWITCHYARD_PORT: '0' };
    const store = await freshEmbeddedStore();
    try {
      // What a collector leaves behind after a long broker outage: many small segments.
      const spool = new DiskSpool(spoolDir);
      const team = `kill-replay-${crypto.randomUUID().slice(0, 8)}`;
      for (let s = 0; s < SEGMENTS; s++) {
        const events = Array.from({ length: PER_SEGMENT }, () => sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team } }));
        await spool.append(events.map((e) => ({ key: e.request_id, value: serializeAttemptEvent(e) })));
      }

      // The collector starts replaying at once; it is killed -9 part-way.
      const first = spawn(process.execPath, [BIN, 'collector'], { env: { ...process.env, SWITCHYARD_OPS_PORT: '0', ...env }, stdio: 'ignore' });
      const exited = new Promise((r) => first.on('exit', r));
      await until('replay to be under way', async () => segmentsIn(spoolDir) < SEGMENTS - 20, 60_000);
      first.kill('SIGKILL');
      await exited;
      const left = segmentsIn(spoolDir);
      assert.ok(left > 0 && left < SEGMENTS, `killed mid-replay (${left} of ${SEGMENTS} segments left)`);

      const second = await startCli(['collector'], env, /OpenAI base URL/);
      await until('the rest of the spool to be replayed', async () => segmentsIn(spoolDir) === 0, 120_000);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.output());

      const census = await topicCensus(brokers!.split(','), topic, 60_000);
      assert.equal(census.byAttempt.size, PRODUCED, 'every spooled event reached the topic');
      const copies = census.messages - PRODUCED;
      t.diagnostic(`killed with ${left} of ${SEGMENTS} segments left; ${copies} copies on the topic`);
      // Unavoidable: the segment in flight at the kill (and one acknowledged but not yet deleted).
      assert.ok(copies <= 2 * PER_SEGMENT, `only the segment in flight may be re-sent, not acknowledged ones (${copies} copies)`);

      const ingest = createIngestService({
        subscriber: createKafkaAttemptSubscriber({
          brokers: brokers!.split(','),
          clientId: 'kill-replay-ingest',
          topic,
          groupId: `g-${topic}`,
          fetchMinBytes: 1,
          fetchMaxWaitMs: 100,
        }),
        clickhouse: store.client,
        source: topic,
      });
      await ingest.start();
      const distinct = () => scalar(store.client, 'SELECT uniqExact(attempt_id) FROM attempts WHERE team = {team:String}', { team });
      await until('every attempt stored', async () => Number(await distinct()) >= PRODUCED, 120_000);
      await ingest.stop();
      assert.equal(Number(await distinct()), PRODUCED, 'raw distinct == produced');
      // Ingest's attempt_id dedupe (docs/schema.md, "Exactly once") keeps the re-sent copies out of raw and every rollup.
      assert.equal(Number(await scalar(store.client, 'SELECT count() FROM attempts WHERE team = {team:String}', { team })), PRODUCED, 'no copy stored');
      const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
      assert.equal(report.ok, true, JSON.stringify(report));
    } finally {
      await store.dispose();
      rmSync(data, { recursive: true, force: true });
    }
  },
);
