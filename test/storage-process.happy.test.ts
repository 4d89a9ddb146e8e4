import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StorageSupervisor } from '../cli/storage-process/storage-supervisor.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { InProcessAttemptBus } from '../core/transport/in-process-bus.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { until } from './support/wait.ts';

// The embedded transport across a process boundary (SWITCHYARD_STORAGE_PROCESS=child): the
// collector's bus hands batches to a real storage child (ingest on chDB); the child is killed -9
// mid-stream and right after the last acknowledgement, and the store is then read directly.

test('events cross to the storage process in order, survive a kill -9 of it, and are acknowledged only once stored', { timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-storage-process-'));
  const source = `in-process:${crypto.randomUUID()}`;
  const logs: string[] = [];
  const supervisor = new StorageSupervisor({
    source,
    env: { SWITCHYARD_DATA: dataDir, SWITCHYARD_API_PORT: '0', SWITCHYARD_CONFIG: '', SWITCHYARD_POLICY_INTERVAL_MS: '600000' },
    restartDelayMs: 100,
    log: (m) => logs.push(m),
  });
  const bus = new InProcessAttemptBus({ spoolDir: join(dataDir, 'spool', 'embedded'), batchSize: 200, lingerMs: 5, retryDelayMs: 50 });
  const ids: string[] = [];
  const publish = (n: number) => {
    for (let i = 0; i < n; i++) {
      const e = sampleAttemptEvent();
      ids.push(e.request_id);
      bus.publisher.publish(e);
    }
  };
  try {
    await supervisor.start();
    assert.ok(supervisor.apiUrl, 'the child serves the API');
    await bus.subscriber.start(supervisor.deliver);
    publish(3000);
    // Kill the child while batches are still crossing: some delivered, some not.
    await until('a first batch stored', async () => bus.publisher.emission().delivered > 0, 120_000);
    const first = supervisor.pid!;
    assert.ok(bus.pending > 0, 'events still wait when the child dies');
    process.kill(first, 'SIGKILL');
    publish(2000);
    await bus.publisher.flush();
    assert.notEqual(supervisor.pid, first, 'a new storage process took over');
    assert.ok(
      logs.some((l) => l.includes('storage process exited')),
      logs.join('\n'),
    );
    // Everything is acknowledged: kill the child without any shutdown; what was acknowledged must be on disk.
    const second = supervisor.pid!;
    process.kill(second, 'SIGKILL');
    await supervisor.stop();
    await bus.subscriber.stop();
    await bus.publisher.close();
    assert.equal(bus.publisher.dropped, 0);
  } finally {
    await supervisor.stop();
  }

  const client = createClickHouse({ kind: 'embedded', path: join(dataDir, 'clickhouse') });
  try {
    const rows = await (
      await client.query({
        query: 'SELECT request_id, batch_first_offset AS first, batch_last_offset AS last FROM attempts WHERE source = {source:String}',
        query_params: { source },
        format: 'JSONEachRow',
      })
    ).json<{ request_id: string; first: string; last: string }>();
    assert.equal(rows.length, ids.length, 'every event stored exactly once (raw rows, before any merge)');
    assert.equal(new Set(rows.map((r) => r.request_id)).size, ids.length);
    // Offsets are given in publish order on the collector side; each row's batch range holding its publish index means order held across the crash.
    const index = new Map(ids.map((id, i) => [id, i]));
    for (const r of rows) {
      const i = index.get(r.request_id)!;
      assert.ok(Number(r.first) <= i && i <= Number(r.last), `event ${i} stored in batch ${r.first}..${r.last}`);
    }
  } finally {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
