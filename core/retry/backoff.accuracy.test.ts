import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from './backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

test('the ceiling doubles per retry and is capped', () => {
  const max = (n: number) => backoffDelayMs(policy, n, () => 0.999999);
  assert.deepEqual([1, 2, 3, 4, 5, 9, 10_000].map(max), [99, 199, 399, 799, 999, 999, 999]);
});

test('full jitter spans zero to the ceiling', () => {
  assert.equal(
    backoffDelayMs(policy, 2, () => 0),
    0,
  );
  assert.equal(
    backoffDelayMs(policy, 2, () => 0.5),
    100,
  );
});

test('a Retry-After is honoured up to the cap; without one only the jitter counts', () => {
  assert.equal(
    backoffDelayMs(policy, 1, () => 0, 700),
    700,
  );
  assert.equal(
    backoffDelayMs(policy, 1, () => 0, 60_000),
    1000,
  );
  assert.equal(
    backoffDelayMs(policy, 4, () => 0.999999, 10),
    799,
    'a short Retry-After does not shorten the backoff',
  );
  assert.equal(
    backoffDelayMs(policy, 1, () => 0, null),
    0,
  );
});
