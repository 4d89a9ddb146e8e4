import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskSpool } from './disk-spool.ts';
import { SpillingQueue } from './spilling-queue.ts';

const msg = (n: number) => ({ key: `k${n}`, value: `v${n}` });

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-spilling-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Takes and acknowledges everything, returning the values in delivery order. */
async function drainAll(queue: SpillingQueue): Promise<string[]> {
  const seen: string[] = [];
  for (let batch = await queue.take(); batch; batch = await queue.take()) {
    seen.push(...batch.messages.map((m) => m.value));
    await queue.ack(batch);
  }
  return seen;
}

test(
  'the batch in flight is handed out unchanged until acknowledged; overflow goes to disk behind it and delivery stays oldest first',
  withDir(async (dir) => {
    const queue = new SpillingQueue({ memoryBound: 3, batchSize: 2, spool: new DiskSpool(dir), label: 'test', log: () => {} });
    queue.push(msg(1));
    queue.push(msg(2));
    const inFlight = await queue.take();
    for (let i = 3; i <= 10; i++) queue.push(msg(i));
    assert.equal(await queue.take(), inFlight, 'not acknowledged: the very same batch again');
    const flushed = queue.flushed();
    assert.deepEqual(
      await drainAll(queue),
      Array.from({ length: 10 }, (_, i) => `v${i + 1}`),
    );
    await flushed;
    assert.deepEqual(queue.counts, { published: 10, delivered: 10, spooled: 8, dropped: 0 });
    assert.deepEqual(readdirSync(dir), [], 'acknowledged segments are deleted');
  }),
);

test(
  'a full spool keeps events in memory and refuses new requests; freeing a segment lets it take them again',
  withDir(async (dir) => {
    const logs: string[] = [];
    const queue = new SpillingQueue({ memoryBound: 2, batchSize: 2, spool: new DiskSpool(dir, { maxSegments: 1 }), label: 'test', log: (m) => logs.push(m) });
    queue.push(msg(1));
    queue.push(msg(2)); // spills one segment: the spool is now full
    await queue.nextArrival();
    queue.push(msg(3));
    queue.push(msg(4));
    const first = await queue.take(); // the segment written first
    assert.deepEqual(
      first!.messages.map((m) => m.value),
      ['v1', 'v2'],
    );
    await until(() => queue.refusal() !== null);
    assert.deepEqual(queue.refusal(), { code: 'event_spool_full', message: 'event spool full: 1 of 1 segments' });
    assert.match(logs.join('\n'), /event spool full: 1 of 1 segments; events stay in memory and new requests are refused/);
    await queue.ack(first!);
    await until(() => queue.refusal() === null);
    assert.deepEqual(await drainAll(queue), ['v3', 'v4']);
    assert.equal(queue.counts.dropped, 0);
  }),
);

test(
  'shutdown writes memory and the batch in flight past the bound; the next process finds them after older and legacy segments, and a half-written file is discarded',
  withDir(async (dir) => {
    writeFileSync(join(dir, '000001700000000-abcdef12-000000000.jsonl'), `${JSON.stringify(msg(0))}\n${JSON.stringify(msg(0.5))}\n`); // an older release's segment
    writeFileSync(join(dir, '000001700000001-abcdef12-000000001-n1.jsonl.tmp'), '{"key":'); // crashed mid-write
    const queue = new SpillingQueue({ memoryBound: 100, batchSize: 2, spool: new DiskSpool(dir, { maxSegments: 1 }), label: 'test', log: () => {} });
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'the half-written file is gone',
    );
    assert.deepEqual(
      (await queue.take())!.messages.map((m) => m.value),
      ['v0', 'v0.5'],
      'the legacy segment is replayed first',
    );
    for (let i = 1; i <= 3; i++) queue.push(msg(i));
    assert.equal(await queue.persist(), 0, 'nothing lost');
    const next = new SpillingQueue({ memoryBound: 100, batchSize: 2, spool: new DiskSpool(dir), label: 'test', log: () => {} });
    assert.equal(next.pending, 5);
    assert.deepEqual(await drainAll(next), ['v0', 'v0.5', 'v1', 'v2', 'v3']);
    assert.deepEqual(next.counts, { published: 0, delivered: 5, spooled: 0, dropped: 0 });
  }),
);

test('without a spool the bound drops the oldest queued events, never the batch in flight, and says so', async () => {
  const logs: string[] = [];
  const queue = new SpillingQueue({ memoryBound: 2, batchSize: 2, spool: null, label: 'test', log: (m) => logs.push(m) });
  queue.push(msg(1));
  queue.push(msg(2));
  const inFlight = await queue.take();
  for (let i = 3; i <= 7; i++) queue.push(msg(i));
  assert.equal(queue.refusal()?.code, 'event_buffer_full');
  const flushed = queue.flushed();
  await queue.ack(inFlight!);
  assert.deepEqual(await drainAll(queue), ['v6', 'v7']);
  await flushed;
  assert.deepEqual(queue.counts, { published: 7, delivered: 4, spooled: 0, dropped: 3 });
  assert.match(logs[0]!, /no spool is configured; dropping the oldest/);
});

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), 'condition not reached within 1 s');
}

test(
  'a segment the disk damaged is moved aside as .corrupt, counted and logged; delivery goes on with the next',
  withDir(async (dir) => {
    writeFileSync(join(dir, '000001700000000-abcdef12-000000000-n2.jsonl'), '{"key":"k1","val\n');
    writeFileSync(join(dir, '000001700000001-abcdef12-000000001-n1.jsonl'), `${JSON.stringify(msg(2))}\n`);
    const logs: string[] = [];
    const queue = new SpillingQueue({ memoryBound: 10, batchSize: 2, spool: new DiskSpool(dir), label: 'test', log: (m) => logs.push(m) });
    assert.deepEqual(await drainAll(queue), ['v2']);
    assert.equal(queue.counts.dropped, 2);
    assert.match(logs[0]!, /000001700000000-abcdef12-000000000-n2\.jsonl is unreadable; moved to .*\.corrupt for inspection \(2 events\); counted as dropped/);
    assert.deepEqual(readdirSync(dir), ['000001700000000-abcdef12-000000000-n2.jsonl.corrupt']);
  }),
);

// Found in CI: the next process's spool replay showed pending 0 while delivered lacked the last
// segment (210 of 230), because the count came after the segment's removal from disk was awaited.
test(
  'acknowledging a spooled segment: delivered and pending agree while its removal from disk is still under way',
  withDir(async (dir) => {
    const spool = new DiskSpool(dir);
    const first = new SpillingQueue({ memoryBound: 1, batchSize: 10, spool, label: 'test', log: () => {} });
    for (let i = 1; i <= 5; i++) first.push(msg(i));
    await first.persist();
    const slowRemove = new DiskSpool(dir);
    const remove = slowRemove.remove.bind(slowRemove);
    let removing: Promise<void> | null = null;
    slowRemove.remove = (segment) => (removing = new Promise<void>((r) => setTimeout(r, 50)).then(() => remove(segment)));
    const next = new SpillingQueue({ memoryBound: 1, batchSize: 10, spool: slowRemove, label: 'test', log: () => {} });
    let batch = await next.take();
    let acked = 0;
    while (batch) {
      const acking = next.ack(batch);
      acked += batch.messages.length;
      if (removing) assert.equal(next.counts.delivered + next.pending, 5, 'every event is either delivered or pending');
      await acking;
      batch = await next.take();
    }
    assert.equal(acked, 5);
    assert.equal(next.counts.delivered, 5);
    assert.equal(next.pending, 0);
  }),
);
