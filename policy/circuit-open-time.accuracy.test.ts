import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circuitOpenSeconds, unionLengthMs, type CircuitReport } from './circuit-open-time.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const GRACE = 150_000;
const r = (collector: string, state: CircuitReport['state'], atS: number, deployment = 'a'): CircuitReport => ({
  route: 'chat',
  deployment,
  collector,
  state,
  atMs: T0 + atS * 1000,
});
const open = (reports: CircuitReport[], fromS: number, nowS: number) =>
  Object.fromEntries(circuitOpenSeconds(reports, T0 + fromS * 1000, T0 + nowS * 1000, GRACE));

test('one collector: open → half-open → closed counts open and half-open time', () => {
  assert.deepEqual(open([r('c1', 'open', 100), r('c1', 'half_open', 130), r('c1', 'closed', 131)], 0, 3600), { 'chat\u0000a': 31 });
});

test('clipped to the window: an interval that began before it counts from its start, one still open counts until now', () => {
  // Opened 60 s before the window, closed 40 s into it.
  assert.deepEqual(open([r('c1', 'open', -60), r('c1', 'closed', 40)], 0, 3600), { 'chat\u0000a': 40 });
  // Opened 20 s before now, nothing since: open until now.
  assert.deepEqual(open([r('c1', 'open', 3580)], 0, 3600), { 'chat\u0000a': 20 });
  // Entirely before the window: nothing.
  assert.deepEqual(open([r('c1', 'open', -300), r('c1', 'closed', -200)], 0, 3600), {});
});

test('overlapping collectors are unioned, not summed; disjoint ones add up', () => {
  const overlapping = [r('c1', 'open', 100), r('c1', 'closed', 200), r('c2', 'open', 150), r('c2', 'closed', 260)];
  assert.deepEqual(open(overlapping, 0, 3600), { 'chat\u0000a': 160 }); // [100, 260)
  const disjoint = [r('c1', 'open', 100), r('c1', 'closed', 110), r('c2', 'open', 500), r('c2', 'closed', 530)];
  assert.deepEqual(open(disjoint, 0, 3600), { 'chat\u0000a': 40 });
  // One collector's close does not end another's open interval.
  assert.deepEqual(open([r('c1', 'open', 100), r('c2', 'closed', 120), r('c1', 'closed', 190)], 0, 3600), { 'chat\u0000a': 90 });
});

test('heartbeats extend an open interval; a collector that went silent stops counting after the grace', () => {
  const beats = [r('c1', 'open', 0), r('c1', 'open', 60), r('c1', 'open', 120), r('c1', 'closed', 150)];
  assert.deepEqual(open(beats, 0, 3600), { 'chat\u0000a': 150 });
  // Died at 60 s with the circuit open: counted until 60 + 150 s of grace.
  assert.deepEqual(open([r('c1', 'open', 0), r('c1', 'open', 60)], 0, 3600), { 'chat\u0000a': 210 });
});

test('deployments are kept apart; reports out of order are sorted; a circuit never opened counts nothing', () => {
  const reports = [r('c1', 'closed', 70, 'b'), r('c1', 'open', 10, 'b'), r('c1', 'closed', 5, 'a')];
  assert.deepEqual(open(reports, 0, 3600), { 'chat\u0000b': 60 });
});

test('union length of intervals', () => {
  assert.equal(unionLengthMs([]), 0);
  assert.equal(
    unionLengthMs([
      [0, 10],
      [5, 20],
      [30, 40],
      [32, 35],
    ]),
    30,
  );
});
