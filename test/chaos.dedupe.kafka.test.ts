import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { rollupAttemptTotals } from '../ingest/live-rollups.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { startCli } from './support/cli-process.ts';
import { attemptMessages, kafkaFor } from './support/copies.ts';
import { scalar } from './support/embedded-store.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const EVENTS = 10_000;

const metric = (body: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(body)?.[1] ?? 0);

test(
  'kill -9 of ingest while it removes copies, between an insert and its commit: the restart converges to every event once, rollups equal raw',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 240_000 },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-chaos-dedupe-'));
    const suffix = crypto.randomUUID().slice(0, 8);
    const topic = `llm.attempts.v1.chaos-dedupe-${suffix}`;
    const groupId = `chaos-dedupe-${suffix}`;
    // Many inserts per fetch (and so per commit): a kill lands between an insert and its commit.
    const env = { KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: groupId, SWITCHYARD_DATA: data, SWITCHYARD_INGEST_MAX_ROWS: '250' };
    const kafka = await kafkaFor(brokers!, topic);
    try {
      const messages = attemptMessages(EVENTS, 'chaos-dedupe');
      await kafka.produce(messages);
      await kafka.produce(messages); // every event again, at new offsets

      const first = await startCli(['ingest'], env, /Ops:\s+http/);
      const opsUrl = /Ops:\s+(\S+)\/metrics/.exec(first.output())![1]!;
      await until(
        'the first run to be removing copies',
        async () => metric(await (await fetch(`${opsUrl}/metrics`)).text(), 'switchyard_ingest_duplicates_removed_total') > 0,
        90_000,
      );
      first.child.kill('SIGKILL');
      await first.exited;

      const committed = await kafka.committed(groupId);
      const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
      try {
        const ahead = await scalar(
          client,
          'SELECT count() FROM attempts WHERE batch_last_offset >= multiIf(source_partition = 0, {p0:Int64}, source_partition = 1, {p1:Int64}, {p2:Int64})',
          {
            p0: String(committed.get(0) ?? 0n),
            p1: String(committed.get(1) ?? 0n),
            p2: String(committed.get(2) ?? 0n),
          },
        );
        assert.ok(Number(ahead) > 0, 'the kill left rows stored but not committed, so the restart replays them');
      } finally {
        await client.close();
      }

      const second = await startCli(['ingest'], env, /switchyard running/);
      await until('every message committed', () => kafka.drained(groupId), 120_000);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.output());

      const store = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
      try {
        assert.equal(Number(await scalar(store, 'SELECT count() FROM attempts')), EVENTS, 'raw rows before any merge: no copy, no loss');
        assert.equal(Number(await scalar(store, 'SELECT uniqExact(attempt_id) FROM attempts')), EVENTS);
        const rollups = await rollupAttemptTotals(store);
        assert.ok(Object.keys(rollups).length > 0);
        for (const [table, attempts] of Object.entries(rollups)) assert.equal(attempts, EVENTS, `rollup ${table}`);
        const report = await reconcileDay(store, new Date().toISOString().slice(0, 10));
        assert.equal(report.ok, true, JSON.stringify(report));
      } finally {
        await store.close();
      }
    } finally {
      await kafka.close();
      rmSync(data, { recursive: true, force: true });
    }
  },
);
