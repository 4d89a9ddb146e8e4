import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMigrations, migrate, SEQUENTIAL_PART_REMOVAL } from './migrate.ts';
import { freshEmbeddedStore, scalar } from '../../test/support/embedded-store.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

test('migrations are numbered, applied once, and a rerun applies nothing', async () => {
  const names = loadMigrations().map((m) => m.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.every((n) => /^\d{4}_/.test(n)));
  assert.equal(Number(await scalar(store.client, 'SELECT count() FROM schema_migrations')), names.length);
  assert.deepEqual(await migrate(store.client), []);
  assert.deepEqual(await migrate(store.client, {}, loadMigrations()), []);
  assert.equal(Number(await scalar(store.client, 'SELECT count() FROM schema_migrations')), names.length);
});

test('money is stored as an exact Decimal, never a float', async () => {
  assert.equal(await scalar(store.client, "SELECT type FROM system.columns WHERE table = 'attempts' AND name = 'cost_usd'"), 'Decimal(20, 12)');
});

test('raw retention is configurable and can be changed on a later run', async () => {
  await migrate(store.client, { rawTtlDays: 90 });
  assert.match(
    await scalar(store.client, "SELECT create_table_query FROM system.tables WHERE name = 'attempts'"),
    /TTL toDateTime\(started_at\) \+ toIntervalDay\(90\)/,
  );
  await migrate(store.client, { rawTtlDays: 30 });
  assert.match(await scalar(store.client, "SELECT create_table_query FROM system.tables WHERE name = 'attempts'"), /toIntervalDay\(30\)/);
  assert.doesNotMatch(await scalar(store.client, "SELECT create_table_query FROM system.tables WHERE name = 'chargeback_per_day_v1'"), /TTL/);
  await assert.rejects(migrate(store.client, { rawTtlDays: 0 }), /whole number of days/);
});

test('no migration changes a materialized view with MODIFY QUERY: a replaced view keeps replays counted once', () => {
  // A view altered with MODIFY QUERY counted a replayed insert again after the store was reopened
  // (ingest/replay-after-reopen.accuracy.test.ts); views are dropped and created anew instead.
  const altering = loadMigrations().filter((m) => /MODIFY\s+QUERY/i.test(m.sql.replace(/--[^\n]*/g, '')));
  assert.deepEqual(
    altering.map((m) => m.name),
    [],
  );
});

test('the embedded store removes outdated parts on one thread, on every MergeTree table; a server keeps the default', async () => {
  const threshold = async () =>
    (
      await (
        await store.client.query({
          query: `SELECT name, extract(create_table_query, 'concurrent_part_removal_threshold = ([0-9]+)') AS t FROM system.tables
            WHERE database = currentDatabase() AND engine LIKE '%MergeTree' ORDER BY name`,
          format: 'JSONEachRow',
        })
      ).json<{ name: string; t: string }>()
    ).map((r) => [r.name, r.t]);
  const before = await threshold();
  assert.ok(before.length >= 10 && before.every(([, t]) => t === ''), "migrations alone leave ClickHouse's default");
  await migrate(store.client, { sequentialPartRemoval: true });
  const after = await threshold();
  assert.deepEqual(
    after,
    before.map(([name]) => [name, String(SEQUENTIAL_PART_REMOVAL)]),
  );
  // A table a later migration creates gets it on the next start; the ones already set are left alone.
  await store.client.command({ query: 'CREATE TABLE later_table (x UInt8) ENGINE = MergeTree ORDER BY x' });
  await migrate(store.client, { sequentialPartRemoval: true });
  assert.deepEqual(
    (await threshold()).find(([name]) => name === 'later_table'),
    ['later_table', String(SEQUENTIAL_PART_REMOVAL)],
  );
  await store.client.command({ query: 'DROP TABLE later_table' });
});
