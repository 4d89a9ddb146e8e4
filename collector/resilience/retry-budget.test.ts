import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryBudget } from './retry-budget.ts';

const policy = { ratio: 0.2, minPerWindow: 3, windowMs: 10_000 };
const acquireAll = (b: RetryBudget, now: number) => {
  let n = 0;
  while (b.tryAcquire(now)) n++;
  return n;
};

test('low traffic still gets the minimum retries per window', () => {
  const b = new RetryBudget(policy);
  b.recordRequest(0);
  assert.equal(acquireAll(b, 0), 3);
});

test('retries are capped at the ratio of requests in the window', () => {
  const b = new RetryBudget(policy);
  for (let i = 0; i < 100; i++) b.recordRequest(i * 10);
  assert.equal(acquireAll(b, 1000), 20);
  b.recordRequest(1000);
  for (let i = 0; i < 4; i++) b.recordRequest(1000);
  assert.equal(acquireAll(b, 1000), 1, '105 requests allow 21 retries');
});

test('the budget refills as old traffic leaves the window', () => {
  const b = new RetryBudget(policy);
  for (let i = 0; i < 50; i++) b.recordRequest(0);
  assert.equal(acquireAll(b, 0), 10);
  assert.equal(acquireAll(b, 9_000), 0, 'still inside the window');
  for (let i = 0; i < 50; i++) b.recordRequest(10_500);
  assert.equal(acquireAll(b, 10_500), 10, 'the first second of requests and retries aged out');
  assert.equal(acquireAll(b, 60_000), 3, 'after a quiet spell only the minimum');
});
