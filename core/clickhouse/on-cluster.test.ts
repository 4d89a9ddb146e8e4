import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forCluster } from './on-cluster.ts';
import { loadMigrations } from './migrate.ts';

test('every migration becomes an ON CLUSTER statement, with replicated engines', () => {
  for (const m of loadMigrations()) {
    const sql = forCluster(m.sql, 'prod_cluster');
    if (/^\s*(--[^\n]*\n\s*)*INSERT INTO/.test(m.sql)) {
      assert.equal(sql, m.sql, `${m.name}: a backfill runs once, on one replica`);
      continue;
    }
    assert.match(sql, /(CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS|ALTER TABLE|DROP (TABLE|VIEW) IF EXISTS) [a-z0-9_]+ ON CLUSTER 'prod_cluster'/, m.name);
    if (/ENGINE =/.test(m.sql)) assert.match(sql, /ENGINE = Replicated(Replacing|Aggregating|Summing)?MergeTree(\([a-z_]*\))?\n/, m.name);
  }
});

test('exact rewrites, comments kept, hostile cluster names refused', () => {
  assert.equal(
    forCluster('-- why\nCREATE TABLE IF NOT EXISTS t\n(a UInt8)\nENGINE = ReplacingMergeTree\nORDER BY a', 'c1'),
    "-- why\nCREATE TABLE IF NOT EXISTS t ON CLUSTER 'c1'\n(a UInt8)\nENGINE = ReplicatedReplacingMergeTree\nORDER BY a",
  );
  assert.equal(
    forCluster('CREATE TABLE IF NOT EXISTS t\n(a UInt8, v UInt64)\nENGINE = ReplacingMergeTree(v)\nORDER BY a', 'c1'),
    "CREATE TABLE IF NOT EXISTS t ON CLUSTER 'c1'\n(a UInt8, v UInt64)\nENGINE = ReplicatedReplacingMergeTree(v)\nORDER BY a",
    'an engine parameter (the version column) is kept',
  );
  assert.equal(forCluster('ALTER TABLE t MODIFY SETTING x = 1', 'c1'), "ALTER TABLE t ON CLUSTER 'c1' MODIFY SETTING x = 1");
  assert.throws(() => forCluster('ALTER TABLE t', "c'; DROP TABLE attempts; --"), /may only hold/);
});
