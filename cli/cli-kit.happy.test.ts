import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { integerAtLeast, portNumber, utcDay } from './cli-kit.ts';
import { createProgress } from './progress.ts';
import { resolveDay } from './reconcile-report.ts';

test('number parsers accept integers in range and refuse the rest', () => {
  assert.equal(integerAtLeast(1)('200'), 200);
  for (const bad of ['-5', '0', '2.5', 'ten', '', '1e3', '99999999999999999999'])
    assert.throws(() => integerAtLeast(1)(bad), /Expected a positive integer/, bad);
  assert.equal(portNumber('0'), 0);
  assert.throws(() => portNumber('65536'), /Expected a port from 0 to 65535/);
});

test('days: real calendar days only; yesterday/today resolve at the given clock, with warnings for open days', () => {
  assert.equal(utcDay('2024-02-29'), '2024-02-29');
  for (const bad of ['2023-02-29', '2026-13-01', '26-11-30', '2026-11-30T00:00']) assert.throws(() => utcDay(bad), /YYYY-MM-DD/, bad);
  const now = new Date('2026-11-30T00:30:00Z');
  assert.deepEqual(resolveDay('yesterday', now), { day: '2026-11-29', warning: null });
  assert.match(resolveDay('today', now).warning!, /2026-11-30 is today \(UTC\) and not closed/);
  assert.match(resolveDay('2026-12-01', now).warning!, /in the future/);
  assert.equal(resolveDay('2026-11-01', now).warning, null);
});

test('progress off a terminal: a line at most every interval, and always the final state', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d));
  let now = 0;
  const progress = createProgress('drill x', { stream: out as unknown as NodeJS.WriteStream, everyMs: 1000, now: () => now });
  for (let i = 1; i <= 10; i++) {
    now += 300;
    progress.update(i, 10, `${i % 2} failed`);
  }
  progress.finish('passed');
  const lines = text.trim().split('\n');
  assert.deepEqual(lines, [
    'drill x: 1/10 (10%), 1 failed',
    'drill x: 5/10 (50%), 1 failed',
    'drill x: 9/10 (90%), 1 failed',
    'drill x: 10/10 (100%), 0 failed',
    'drill x: passed',
  ]);
});
