import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Connection } from '@clickhouse/client-common';
import { isDataError } from '../../ingest/clickhouse-errors.ts';
import { freshEmbeddedStore, scalar } from '../../test/support/embedded-store.ts';
import { rawInserts } from './chdb-raw-insert.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;

before(async () => {
  store = await freshEmbeddedStore();
  await store.client.command({
    query: `CREATE TABLE raw_t (id UInt32, at DateTime64(3, 'UTC'), usd Decimal(20, 12), tags Map(String, String))
      ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100`,
  });
});
after(async () => store.dispose());

test('rows inserted by the embedded client arrive exactly, with the call settings applied to that insert only', async () => {
  await store.client.insert({
    table: 'raw_t',
    format: 'JSONCompactEachRow',
    columns: ['id', 'at', 'usd', 'tags'],
    // ISO-8601 with a zone parses through the client's date_time_input_format = best_effort.
    values: [
      [1, '2026-12-01T17:00:00.123Z', '0.000000160000', { team: 'search' }],
      [2, '2026-12-01T17:00:01Z', '12.345678901234', {}],
    ],
    clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: 'raw-1' },
  });
  assert.equal(
    await scalar(
      store.client,
      "SELECT groupArray(concat(toString(id), '|', toString(at), '|', toString(usd), '|', tags['team'])) FROM (SELECT * FROM raw_t ORDER BY id)",
    ),
    '1|2026-12-01 17:00:00.123|0.00000016|search,2|2026-12-01 17:00:01.000|12.345678901234|',
  );
  // The same token again is absorbed; a later insert without one is not.
  await store.client.insert({
    table: 'raw_t',
    format: 'JSONEachRow',
    values: [{ id: 3, at: '2026-12-01T17:00:02Z', usd: '1', tags: {} }],
    clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: 'raw-1' },
  });
  await store.client.insert({ table: 'raw_t', format: 'JSONEachRow', values: [{ id: 4, at: '2026-12-01T17:00:03Z', usd: '1', tags: {} }] });
  assert.equal(await scalar(store.client, 'SELECT groupArray(id) FROM (SELECT id FROM raw_t ORDER BY id)'), '1,2,4');
});

test("a row the engine refuses fails with ClickHouse's error code and type, so ingest tells it from an outage", async () => {
  const err = await store.client.insert({ table: 'raw_t', format: 'JSONEachRow', values: [{ id: 5, at: 'not a time', usd: '1', tags: {} }] }).then(
    () => null,
    (e: unknown) => e as { code?: string; type?: string; message: string },
  );
  assert.ok(err, 'the insert must fail');
  assert.match(err.message, /Cannot read DateTime/);
  assert.ok(isDataError(err), `a data error, got type ${err.type}`);
  assert.equal(await scalar(store.client, 'SELECT count() FROM raw_t WHERE id = 5'), '0');
});

test('an insert with no rows is a no-op, as over HTTP', async () => {
  const before = await scalar(store.client, 'SELECT count() FROM raw_t');
  await store.client.insert({ table: 'raw_t', format: 'JSONEachRow', values: [] });
  assert.equal(await scalar(store.client, 'SELECT count() FROM raw_t'), before);
});

test('statements the raw insert cannot take go to the connection as they came', async () => {
  const seen: string[] = [];
  const fake = {
    chdb: {
      rawInsert: async (p: { table: string; columns?: string[]; format: string; settings: Record<string, unknown> }) => (
        seen.push(`raw ${p.table} ${p.columns?.join('+')} ${p.format} ${JSON.stringify(p.settings)}`),
        { rowsWritten: 1, bytesWritten: 3, elapsed: 0 }
      ),
    },
    insert: async (p: { query: string }) => (seen.push(`own ${p.query}`), { query_id: 'q', response_headers: {}, http_status_code: 200 }),
  } as unknown as Connection<unknown>;
  const c = rawInserts(fake);
  await c.insert({
    query: 'INSERT INTO db.t (a, b) FORMAT JSONCompactEachRow',
    values: '[1,2]\n',
    clickhouse_settings: { async_insert: 0, insert_deduplication_token: 'x' },
  });
  await c.insert({ query: 'INSERT INTO t (* EXCEPT (a)) FORMAT JSONEachRow', values: '{}\n' });
  await c.insert({ query: 'INSERT INTO t FORMAT Parquet', values: 'PAR1' });
  assert.deepEqual(seen, [
    'raw db.t a+b JSONCompactEachRow {"async_insert":0,"insert_deduplication_token":"x"}',
    'own INSERT INTO t (* EXCEPT (a)) FORMAT JSONEachRow',
    'own INSERT INTO t FORMAT Parquet',
  ]);
});
