import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sumUsd, toScaled, tokenCostUsd } from './decimal-usd.ts';

test('token cost is exact where floats are not', () => {
  assert.equal(0.1 * 3, 0.30000000000000004);
  assert.equal(tokenCostUsd(300_000, '0.1'), '0.030000000000');
  assert.equal(tokenCostUsd(1000, 1.1), '0.001100000000');
  assert.equal(tokenCostUsd(1, '0.075'), '0.000000075000');
  assert.equal(tokenCostUsd(0, 15), '0.000000000000');
});

test('sub-pico-dollar remainders round half up', () => {
  assert.equal(tokenCostUsd(1, '0.0000005'), '0.000000000001');
  assert.equal(tokenCostUsd(1, '0.0000004'), '0.000000000000');
});

test('sums of many small costs do not drift', () => {
  assert.equal(sumUsd(Array(10_000).fill('0.000000150000')), '0.001500000000');
});

test('malformed decimals are rejected with the value named', () => {
  assert.throws(() => toScaled('-1', 9), /not a non-negative decimal: -1/);
  assert.throws(() => toScaled('1e-3', 9), /1e-3/);
  assert.throws(() => toScaled('0.0000000001', 9), /more than 9 decimals/);
});
