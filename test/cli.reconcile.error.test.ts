import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-process.ts';

test('reconcile on a store nobody migrated says to run migrate, in one line', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-reconcile-'));
  const run = await runCli(['reconcile', '--day', 'yesterday'], { SWITCHYARD_DATA: data }, 60_000);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /switchyard: no Switchyard tables in chDB at .*: run `switchyard migrate`/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});

test('reconcile --day today warns the day is not closed; an empty day says there is nothing to prove', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-reconcile-'));
  assert.equal((await runCli(['migrate'], { SWITCHYARD_DATA: data }, 60_000)).code, 0);
  const run = await runCli(['reconcile', '--day', 'today'], { SWITCHYARD_DATA: data }, 60_000);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /warning: \d{4}-\d{2}-\d{2} is today \(UTC\) and not closed/);
  assert.match(run.stderr, /warning: no attempts stored for/);
  assert.equal((JSON.parse(run.stdout) as { day: string }).day, new Date().toISOString().slice(0, 10));
});
