import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from './backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

test('ceiling doubles per attempt and is capped', () => {
  const max = (n: number) => backoffDelayMs(policy, n, () => 0.999999, null, false);
  assert.deepEqual([2, 3, 4, 5, 6, 10].map(max), [99, 199, 399, 799, 999, 999]);
});

test('full jitter spans zero to the ceiling', () => {
  assert.equal(backoffDelayMs(policy, 3, () => 0, null, false), 0);
  assert.equal(backoffDelayMs(policy, 3, () => 0.5, null, false), 100);
});

test('Retry-After is honoured on the same deployment, capped, and ignored when moving on', () => {
  assert.equal(backoffDelayMs(policy, 2, () => 0, 700, true), 700);
  assert.equal(backoffDelayMs(policy, 2, () => 0, 60_000, true), 1000);
  assert.equal(backoffDelayMs(policy, 2, () => 0, 700, false), 0);
});
