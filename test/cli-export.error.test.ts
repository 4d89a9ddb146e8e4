import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { runCli } from './support/cli-process.ts';
import { storeEvents } from '../api/testing/seed.ts';

const data = mkdtempSync(join(tmpdir(), 'switchyard-cli-export-error-'));
const outs = join(data, 'outs');
before(async () => {
  const client = createClickHouse({ kind: 'embedded', path: join(data, 'clickhouse') });
  await migrate(client);
  await storeEvents(client, pricedTraffic('2026-11-02', 2));
  await client.close();
  mkdirSync(outs);
  writeFileSync(join(outs, 'a-file'), '');
});
after(() => rmSync(data, { recursive: true, force: true }));

const focus = (out: string) => runCli(['export', 'focus', '--from', '2026-11-01', '--to', '2026-12-01', '--out', out], { SWITCHYARD_DATA: data });
const showback = (out: string) => runCli(['export', 'showback', '--month', '2026-11', '--out', out], { SWITCHYARD_DATA: data });

/** One `switchyard: --out "<path>": …` line, exit 2, no stack. */
function assertOneLine(run: { code: number | null; stderr: string }, out: string, what: RegExp) {
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0]!.includes(`switchyard: --out ${JSON.stringify(out)}: `), run.stderr);
  assert.match(lines[0]!, what);
}

test('export focus --out a bad path: one line naming --out, the path and what is wrong; nothing created', async () => {
  const cases: Array<[string, RegExp]> = [
    [join(outs, 'missing', 'dir', 'x.csv'), /directory .*missing\/dir does not exist/],
    [join(outs, 'a-file', 'x.csv'), /a-file is not a directory/],
    [`${outs}/`, /names a directory/],
    [outs, /is a directory/],
    [join(outs, 'focus{a,b}.csv'), /\{ \} \* \? \[ \] would be read as a file pattern/],
    ['/proc/x.csv', /cannot create or write a file in \/proc/],
    ['/dev/null', /not a regular file/],
  ];
  for (const [out, what] of cases) assertOneLine(await focus(out), out, what);
  assert.equal(existsSync(join(outs, 'missing')), false, 'the missing directory stays missing');
  assert.deepEqual(readdirSync(outs), ['a-file']);
});

test('export showback --out: a missing directory is named up front; a full disk is one line', async () => {
  const missing = join(outs, 'missing', 'x.csv');
  assertOneLine(await showback(missing), missing, /does not exist/);
  assertOneLine(await showback('/dev/full'), '/dev/full', /writing failed \(ENOSPC: no space left on device\)/);
});
