import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharesInHundredths } from './showback.ts';

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

test('team shares add to exactly 100.00 % (three equal teams: 33.34 + 33.33 + 33.33, not 99.99)', () => {
  assert.deepEqual(sharesInHundredths([1n, 1n, 1n], 3n), [3334n, 3333n, 3333n]);
  // Largest remainders first: 2/7 = 28.571…, 5/7 = 71.428… → 28.57 + 71.43.
  assert.deepEqual(sharesInHundredths([2n, 5n], 7n), [2857n, 7143n]);
  for (const parts of [
    [7n, 11n, 13n, 17n, 19n],
    [1n, 999_999n],
    [123_456_789n, 1n, 1n, 1n],
  ])
    assert.equal(sum(sharesInHundredths(parts, sum(parts))), 10_000n, String(parts));
});

test('no spend: every share 0; a page of the parts: each rounded half-up', () => {
  assert.deepEqual(sharesInHundredths([0n, 0n], 0n), [0n, 0n]);
  assert.deepEqual(sharesInHundredths([1n, 1n], 3n), [3333n, 3333n]);
});
