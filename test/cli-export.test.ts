import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { runCli } from './support/cli-process.ts';
import { storeEvents } from '../api/testing/seed.ts';

const data = mkdtempSync(join(tmpdir(), 'switchyard-cli-export-'));
before(async () => {
  const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
  await migrate(client);
  await storeEvents(client, pricedTraffic('2026-11-02', 10));
  // Requests sent without a team header: the showback's team-less row.
  await storeEvents(
    client,
    pricedTraffic('2026-11-03', 1).map((e) => ({ ...e, tags: { ...e.tags, team: '' } })),
  );
  await client.close();
});
after(() => rmSync(data, { recursive: true, force: true }));

test('switchyard export focus writes the dataset and its metadata; a bad bound exits 2 naming the flag', async () => {
  const out = join(data, 'focus.parquet');
  const run = await runCli(['export', 'focus', '--from', '2026-11-01', '--to', '2026-12-01', '--format', 'parquet', '--out', out], { SWITCHYARD_DATA: data });
  assert.equal(run.code, 0, run.stderr);
  const written = JSON.parse(run.stdout) as { rows: number; out: string; metadata: string };
  assert.ok(written.rows > 0);
  assert.equal(readFileSync(out).subarray(0, 4).toString(), 'PAR1');
  assert.ok(existsSync(`${out}.metadata.json`));
  const bad = await runCli(['export', 'focus', '--from', '2026-02-30', '--to', '2026-03-02', '--out', join(data, 'x.csv')], { SWITCHYARD_DATA: data });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from: .*2026-02-30/);
});

test('switchyard export showback prints the month per team as CSV, the team-less row named unattributed', async () => {
  const run = await runCli(['export', 'showback', '--month', '2026-11'], { SWITCHYARD_DATA: data });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.match(lines[0]!, /^month,team,cost_usd,list_cost_usd,savings_usd,share_percent,/);
  assert.deepEqual(
    lines
      .slice(1)
      .map((l) => l.split(',')[1])
      .sort(),
    ['ads', 'search', 'unattributed'],
  );
});

// Found by a fresh-user trial: the JSON named the team-less row "" where the CSV, FOCUS and the console say unattributed.
test('switchyard export showback --format json names the team-less row as the CSV does', async () => {
  const run = await runCli(['export', 'showback', '--month', '2026-11', '--format', 'json'], { SWITCHYARD_DATA: data });
  assert.equal(run.code, 0, run.stderr);
  const teams = (JSON.parse(run.stdout) as { teams: Array<{ team: string }> }).teams.map((t) => t.team).sort();
  assert.deepEqual(teams, ['ads', 'search', 'unattributed']);
});
