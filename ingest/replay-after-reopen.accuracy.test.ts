import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';
import { createAttemptWriter } from './attempt-writer.ts';
import { rollupAttemptTotals } from './live-rollups.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose().catch(() => undefined));

// A crash between an insert and its commit: the restarted process gets the same messages again,
// re-cuts them as stored and inserts them under the same deduplication tokens. Each rollup's view
// must drop the replayed block as `attempts` does. Found broken for a view altered with
// MODIFY QUERY (migration 0141): chDB then counted the replay again after the store was reopened,
// though not within the same process — which is why this test reopens the store.
test('a batch replayed after the store is reopened is counted once in raw and in every rollup', async () => {
  const messages: RawAttemptMessage[] = Array.from({ length: 600 }, (_, i) => ({
    key: null,
    value: serializeAttemptEvent(sampleAttemptEvent()),
    partition: 0,
    offset: String(i),
  }));
  await createAttemptWriter({ clickhouse: store.client, source: 'reopen-test', maxRows: 250 }).handle(messages);
  await store.client.close();

  const reopened = createClickHouse({ kind: 'embedded', path: store.path });
  try {
    await createAttemptWriter({ clickhouse: reopened, source: 'reopen-test', maxRows: 250 }).handle(messages);
    assert.equal(await scalar(reopened, 'SELECT count() FROM attempts'), '600', 'raw: the replay absorbed by its tokens');
    const rollups = await rollupAttemptTotals(reopened);
    assert.ok(Object.keys(rollups).length > 0);
    for (const [table, attempts] of Object.entries(rollups)) assert.equal(attempts, 600, `rollup ${table} counted the replayed blocks again`);
  } finally {
    await reopened.close();
  }
});
