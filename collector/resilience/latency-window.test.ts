import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyWindow } from './latency-window.ts';

test('nearest-rank percentiles over the samples', () => {
  const w = new LatencyWindow();
  assert.equal(w.percentile(95), null);
  for (let i = 1; i <= 100; i++) w.record(i);
  assert.equal(w.percentile(50), 50);
  assert.equal(w.percentile(95), 95);
  assert.equal(w.percentile(100), 100);
  assert.equal(w.percentile(0), 1);
});

test('the window forgets the oldest samples once full', () => {
  const w = new LatencyWindow(4);
  for (const ms of [1000, 1000, 1000, 1000, 10, 20, 30, 40]) w.record(ms);
  assert.equal(w.count, 4);
  assert.equal(w.percentile(100), 40);
});
