import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestTiming } from './request-timing.ts';

test('overhead is wall time minus upstream attempts and backoff waits; an attempt in flight is upstream time', () => {
  let now = 100;
  const t = new RequestTiming(() => now);
  now = 101.5; // parsing, routing
  t.attemptStarted();
  now = 301.5;
  t.attemptEnded(); // 200 ms upstream, failed
  now = 301.7;
  t.backedOff(50);
  now = 352;
  t.attemptStarted();
  now = 400; // streaming, committed mid-attempt
  assert.ok(Math.abs(t.overheadMs() - 2) < 1e-9, String(t.overheadMs()));
  now = 500;
  t.attemptEnded();
  now = 500.25; // serializing the answer
  assert.ok(Math.abs(t.overheadMs() - 2.25) < 1e-9, String(t.overheadMs()));
});
