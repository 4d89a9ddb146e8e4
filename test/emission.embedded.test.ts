import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessAttemptBus } from '../core/transport/in-process-bus.ts';
import { createIngestService } from '../ingest/ingest-service.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { freshEmbeddedStore, scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { switchableClickHouse } from './support/switchable-clickhouse.ts';
import { until } from './support/wait.ts';

// The embedded default (in-process bus → ingest → chDB) with ClickHouse away long enough to pass
// the memory bound: events spill to the disk spool and every one is stored once it returns —
// within the process, and across a shutdown during the outage.

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let spoolDir: string;
before(async () => {
  store = await freshEmbeddedStore();
  spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-embedded-spool-'));
});
after(async () => {
  await store.dispose();
  rmSync(spoolDir, { recursive: true, force: true });
});

const team = (name: string) => ({ ...sampleAttemptEvent().tags, team: name });
const stored = async (t: string) => ({
  rows: Number(await scalar(store.client, 'SELECT count() FROM attempts FINAL WHERE team = {t:String}', { t })),
  distinct: Number(await scalar(store.client, 'SELECT uniqExact(attempt_id) FROM attempts WHERE team = {t:String}', { t })),
});

function embedded(ch: ReturnType<typeof switchableClickHouse>, logs: string[]) {
  const bus = new InProcessAttemptBus({
    maxBuffered: 50,
    batchSize: 20,
    lingerMs: 2,
    retryDelayMs: 20,
    closeTimeoutMs: 500,
    spoolDir,
    log: (m) => logs.push(m),
  });
  const ingest = createIngestService({
    subscriber: bus.subscriber,
    clickhouse: ch.client,
    source: `in-process:${crypto.randomUUID()}`,
    log: (m) => logs.push(m),
  });
  return { bus, ingest };
}

test(
  'ClickHouse away past the memory bound: the overflow waits on disk, the handler error is logged without secrets, all stored after',
  { timeout: 120_000 },
  async () => {
    const ch = switchableClickHouse(store.client);
    const logs: string[] = [];
    const { bus, ingest } = embedded(ch, logs);
    await ingest.start();
    const events = Array.from({ length: 500 }, () => sampleAttemptEvent({ tags: team('outage') }));
    for (const e of events.slice(0, 100)) bus.publisher.publish(e);
    await bus.publisher.flush();
    ch.down = true;
    for (const e of events.slice(100)) bus.publisher.publish(e);
    await until('the overflow to reach the disk spool', async () => bus.publisher.emission().spool!.events >= 300);
    const during = bus.publisher.emission();
    assert.equal(during.dropped, 0);
    assert.ok(during.inMemory <= 50 + 20, `memory stays near its bound (${during.inMemory})`);
    assert.equal(during.refusal, null, 'the spool has room: requests are still taken');
    // The spool can fill before the pump's next try reaches the switched-off store: wait for that try.
    await until('ingest to fail a batch while ClickHouse is away', async () => logs.some((l) => l.includes('ingest failed a batch')));
    assert.ok(!logs.some((l) => l.includes('s3cret')), 'no credentials in any log line');

    ch.down = false;
    await bus.publisher.flush();
    const after = bus.publisher.emission();
    assert.deepEqual(
      { published: after.published, delivered: after.delivered, dropped: after.dropped, spoolEvents: after.spool!.events },
      { published: 500, delivered: 500, dropped: 0, spoolEvents: 0 },
    );
    assert.ok(after.spooled >= 300);
    assert.deepEqual(await stored('outage'), { rows: 500, distinct: 500 });
    await bus.publisher.close();
    await ingest.stop();
  },
);

test('shut down during the outage: the next process delivers the spool first, nothing lost, rollups agree with raw', { timeout: 120_000 }, async () => {
  const ch = switchableClickHouse(store.client);
  const logs: string[] = [];
  const first = embedded(ch, logs);
  await first.ingest.start();
  ch.down = true;
  for (let i = 0; i < 230; i++) first.bus.publisher.publish(sampleAttemptEvent({ tags: team('restart') }));
  await first.bus.publisher.close(); // gives up after 500 ms: the rest goes to disk
  await first.ingest.stop();
  assert.equal(first.bus.publisher.dropped, 0);
  assert.match(logs.join('\n'), /ingest did not take 230 queued events within 500 ms; they wait in the disk spool/);

  ch.down = false;
  const second = embedded(ch, []);
  assert.equal(second.bus.pending, 230, 'the next process finds every event on disk');
  await second.ingest.start();
  await until('the spool to be delivered', async () => second.bus.pending === 0);
  assert.equal(second.bus.publisher.emission().delivered, 230);
  await second.bus.publisher.close();
  await second.ingest.stop();
  assert.deepEqual(await stored('restart'), { rows: 230, distinct: 230 });
  const report = await reconcileDay(store.client, new Date().toISOString().slice(0, 10));
  assert.equal(report.ok, true, JSON.stringify(report));
});
