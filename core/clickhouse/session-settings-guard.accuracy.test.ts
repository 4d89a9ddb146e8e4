import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshEmbeddedStore, scalar } from '../../test/support/embedded-store.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;

before(async () => {
  store = await freshEmbeddedStore();
  await store.client.command({ query: 'CREATE TABLE guard_t (x UInt32) ENGINE = MergeTree ORDER BY x SETTINGS non_replicated_deduplication_window = 100' });
});
after(async () => store.dispose());

test('a deduplication token does not stick to the next insert: a plain insert after a tokened one is stored (found: 1 row of 2)', async () => {
  await store.client.insert({
    table: 'guard_t',
    values: [{ x: 1 }],
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: 'batch-1' },
  });
  await store.client.insert({ table: 'guard_t', values: [{ x: 2 }], format: 'JSONEachRow' });
  assert.equal(await scalar(store.client, 'SELECT count() FROM guard_t'), '2');
  // The token still works where it is given: the same token again is absorbed.
  await store.client.insert({
    table: 'guard_t',
    values: [{ x: 3 }],
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: 'batch-1' },
  });
  assert.equal(await scalar(store.client, 'SELECT count() FROM guard_t'), '2');
});

test('read guards of one query (readonly, max_execution_time) do not reach the next query or insert', async () => {
  await store.client.query({ query: 'SELECT 1', clickhouse_settings: { readonly: '2', max_execution_time: 3 } });
  assert.equal(await scalar(store.client, "SELECT getSetting('readonly')"), '0');
  assert.equal(await scalar(store.client, "SELECT getSetting('max_execution_time')"), '0');
  await store.client.insert({ table: 'guard_t', values: [{ x: 4 }], format: 'JSONEachRow' });
  assert.equal(await scalar(store.client, 'SELECT count() FROM guard_t'), '3');
});

test("concurrent callers never see each other's settings", async () => {
  const reads = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? store.client
          .query({ query: "SELECT getSetting('max_execution_time') AS v", format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 7 } })
          .then((r) => r.json<{ v: string }>())
      : store.client.query({ query: "SELECT getSetting('max_execution_time') AS v", format: 'JSONEachRow' }).then((r) => r.json<{ v: string }>()),
  );
  const values = (await Promise.all(reads)).map((rows) => String(rows[0]!.v));
  assert.deepEqual(
    values,
    Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? '7' : '0')),
  );
});

test('readonly = 1 per call is refused with the reason, instead of locking the session', async () => {
  await assert.rejects(store.client.query({ query: 'SELECT 1', clickhouse_settings: { readonly: '1' } }), /readonly = 1 would lock the embedded session/);
  await store.client.insert({ table: 'guard_t', values: [{ x: 5 }], format: 'JSONEachRow' });
  assert.equal(await scalar(store.client, 'SELECT count() FROM guard_t'), '4');
});
