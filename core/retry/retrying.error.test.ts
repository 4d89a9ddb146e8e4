import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeTime } from './fake-time.ts';
import { retrying } from './retrying.ts';

const base = { baseDelayMs: 100, maxDelayMs: 1000 };
const failing = (err: Error) => {
  let calls = 0;
  const fn = async (): Promise<never> => {
    calls++;
    throw err;
  };
  return { fn, calls: () => calls };
};

test('a failure that is not retryable is rethrown at once, unchanged', async () => {
  const t = fakeTime();
  const err = new Error('bad request');
  const f = failing(err);
  await assert.rejects(retrying(f.fn, { policy: base, retryable: () => false, ...t }), (e) => e === err);
  assert.deepEqual([f.calls(), t.waits.length], [1, 0]);
});

test('gives up after maxAttempts with the last failure', async () => {
  const t = fakeTime();
  const f = failing(new Error('down'));
  await assert.rejects(retrying(f.fn, { policy: { ...base, maxAttempts: 3 }, random: () => 0.5, ...t }), /down/);
  assert.deepEqual([f.calls(), t.waits], [3, [50, 100]]);
});

test('no retry would start past the deadline: a wait that ends there ends the retries', async () => {
  const t = fakeTime();
  const f = failing(new Error('down'));
  // Waits of 999 each (cap 1000, jitter near the top): the third would end at 2997 ≥ 2500.
  await assert.rejects(retrying(f.fn, { policy: { baseDelayMs: 1000, maxDelayMs: 1000, deadlineMs: 2500 }, random: () => 0.999999, ...t }), /down/);
  assert.deepEqual([f.calls(), t.waits], [3, [999, 999]]);
});

test('a Retry-After past the deadline ends the retries instead of waiting for nothing', async () => {
  const t = fakeTime();
  const limited = Object.assign(new Error('429'), { retryAfterMs: 30_000 });
  const f = failing(limited);
  await assert.rejects(
    retrying(f.fn, { policy: { baseDelayMs: 10, maxDelayMs: 60_000, deadlineMs: 5000 }, retryAfterMs: () => limited.retryAfterMs, ...t }),
    /429/,
  );
  assert.deepEqual([f.calls(), t.waits.length], [1, 0]);
});

test('stopWhen and an aborted signal give up; a failing beforeRetry ends the loop with its own error', async () => {
  const t = fakeTime();
  let stopped = false;
  const f = failing(new Error('down'));
  const stopping = retrying(f.fn, { policy: base, stopWhen: () => stopped, beforeRetry: async () => void (stopped = true), ...t });
  await assert.rejects(stopping, /down/);
  assert.equal(f.calls(), 2);

  const controller = new AbortController();
  const g = failing(new Error('down'));
  await assert.rejects(retrying(g.fn, { policy: base, signal: controller.signal, ...t, sleep: async () => controller.abort() }), /down/);
  assert.equal(g.calls(), 1);

  const h = failing(new Error('down'));
  await assert.rejects(retrying(h.fn, { policy: base, ...t, beforeRetry: () => Promise.reject(new Error('rebalanced')) }), /rebalanced/);
});
