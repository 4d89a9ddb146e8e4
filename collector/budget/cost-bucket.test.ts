import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullBucket, nanoToUsd, refilled, settle, take, usdToNano, waitForMs, type BucketRule } from './cost-bucket.ts';

// $1 capacity, refilling $1 per hour.
const rule: BucketRule = { capacity: usdToNano(1), refillPerMs: usdToNano(1) / 3_600_000 };

test('a fresh bucket is full and never refills past capacity', () => {
  const s = fullBucket(rule, 0);
  assert.equal(s.level, 1e9);
  assert.equal(refilled(s, rule, 10 * 3_600_000).level, 1e9);
});

test('refill is proportional to elapsed time', () => {
  const empty = take(fullBucket(rule, 0), 1e9);
  assert.equal(refilled(empty, rule, 1_800_000).level, 5e8);
  assert.equal(refilled(empty, rule, 3_600_000).level, 1e9);
});

test('time never runs backwards: an older clock reading adds nothing', () => {
  const s = take(fullBucket(rule, 1000), 5e8);
  assert.deepEqual(refilled(s, rule, 500), { level: 5e8, atMs: 1000 });
});

test('wait is 0 when affordable, the refill time when not, Infinity above capacity', () => {
  const half = take(fullBucket(rule, 0), 5e8);
  assert.equal(waitForMs(half, rule, 4e8), 0);
  assert.equal(waitForMs(half, rule, 7.5e8), 900_000);
  assert.equal(waitForMs(half, rule, 2e9), Number.POSITIVE_INFINITY);
  assert.equal(waitForMs(half, { capacity: 1e9, refillPerMs: 0 }, 7.5e8), Number.POSITIVE_INFINITY);
});

test('settlement returns the unspent reservation, takes overspend, and caps at capacity', () => {
  const reserved = take(fullBucket(rule, 0), 3e8);
  assert.equal(settle(reserved, rule, 3e8, 1e8).level, 9e8);
  assert.equal(settle(reserved, rule, 3e8, 5e8).level, 5e8);
  assert.equal(settle(fullBucket(rule, 0), rule, 3e8, 0).level, 1e9);
});

test('dollar conversions round to the nanodollar', () => {
  assert.equal(usdToNano('0.000000001'), 1);
  assert.equal(usdToNano(2.5), 2.5e9);
  assert.equal(nanoToUsd(1234567), '0.001234567');
  assert.equal(nanoToUsd(-5), '0.000000000');
});
