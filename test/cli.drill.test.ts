import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli-process.ts';

test('drill --scenario all-down exits 1: its criterion (every request served) is not met', async () => {
  const run = await runCli(['drill', '--scenario', 'all-down', '--requests', '12', '--concurrency', '4', '--json'], {}, 120_000);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { passed: boolean; failed: number; criterion: string };
  assert.equal(report.passed, false);
  assert.equal(report.failed, 12);
  assert.match(run.stderr, /drill all-down: FAILED: 12 of 12 requests failed/);
});

test('drill --json keeps stdout one JSON line; progress goes to stderr; a met criterion exits 0', async () => {
  const run = await runCli(['drill', '--scenario', 'healthy', '--requests', '12', '--concurrency', '4', '--json'], {}, 120_000);
  const seen = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.equal(run.code, 0, seen);
  assert.equal(run.stdout.trim().split('\n').length, 1, seen);
  assert.equal((JSON.parse(run.stdout) as { passed: boolean }).passed, true);
  assert.match(run.stderr, /drill healthy: 12\/12 \(100%\), 0 failed/, seen);
  assert.match(run.stderr, /drill healthy: passed/);
});
