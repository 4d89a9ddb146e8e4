import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMigrations, migrate } from './migrate.ts';
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
  assert.equal(Number(await scalar(store.client, 'SELECT count() FROM schema_migrations')), names.length);
});

test('money is stored as an exact Decimal, never a float', async () => {
  assert.equal(await scalar(store.client, "SELECT type FROM system.columns WHERE table = 'attempts' AND name = 'cost_usd'"), 'Decimal(20, 12)');
});
