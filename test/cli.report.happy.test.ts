import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { runCli } from './support/cli-process.ts';
import { ingestThroughPipeline, seededTraffic } from './support/seeded-traffic.ts';

const data = mkdtempSync(join(tmpdir(), 'switchyard-cli-report-'));
before(async () => {
  const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
  await migrate(client);
  await ingestThroughPipeline(client, seededTraffic(Date.parse('2026-11-24T00:00:00Z'), Date.parse('2026-11-25T00:00:00Z'), 40, 3));
  await client.close();
});
after(() => rmSync(data, { recursive: true, force: true }));

test('switchyard report --week writes Markdown, HTML and JSON and prints their paths; a bad week exits 2 naming it', async () => {
  const out = join(data, 'reports');
  const run = await runCli(['report', '--week', '2026-W48', '--out', out], { SWITCHYARD_DATA: data }, 180_000);
  assert.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout) as { week: string; markdown: string; html: string; json: string; delivered: number };
  assert.equal(printed.week, '2026-W48');
  assert.match(readFileSync(printed.markdown, 'utf8'), /# Switchyard weekly report 2026-W48/);
  assert.match(readFileSync(printed.html, 'utf8'), /<canvas id="cost-by-team">/);
  const json = JSON.parse(readFileSync(printed.json, 'utf8')) as { performance: Array<{ requests: number }> };
  assert.equal(
    json.performance.reduce((n, p) => n + p.requests, 0),
    40,
  );
  const bad = await runCli(['report', '--week', '2026-W60'], { SWITCHYARD_DATA: data });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--week: 2026 has weeks 01 to 53, not 60/);
});
