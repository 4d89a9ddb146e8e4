import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverWithRetry, defaultRetryPolicy, type RetryDeps } from './deliver-with-retry.ts';
import type { TryOutcome } from './http-try.ts';
import { IntervalLimiter } from './rate-limiter.ts';

/** A fake clock that sleeping advances, so waits are measured, not slept. */
function harness(outcomes: TryOutcome[]) {
  let now = 0;
  const sleeps: number[] = [];
  const tries: Array<[number, string]> = [];
  const clock = { now: () => now };
  const deps: RetryDeps = {
    limiter: new IntervalLimiter(1000, clock),
    limiterKey: 'u',
    now: clock.now,
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    onTry: (n, o) => void tries.push([n, o.kind]),
  };
  const queue = [...outcomes];
  return { deps, sleeps, tries, send: async () => queue.shift()!, clock: () => now };
}
const ok: TryOutcome = { kind: 'delivered', status: 200, latencyMs: 5 };
const e500: TryOutcome = { kind: 'retryable', status: 500, latencyMs: 5, detail: 'boom' };

test('429 waits exactly Retry-After, then delivers', async () => {
  const h = harness([{ kind: 'rate_limited', status: 429, retryAfterMs: 3000, latencyMs: 1, detail: '' }, ok]);
  const r = await deliverWithRetry(h.send, defaultRetryPolicy, h.deps);
  assert.equal(r.delivered, true);
  assert.deepEqual(h.tries, [
    [1, 'rate_limited'],
    [2, 'delivered'],
  ]);
  assert.equal(h.clock(), 3000);
});

test('5xx backs off exponentially (full jitter, capped) and gives up after maxTries', async () => {
  const h = harness([e500, e500, e500, e500, e500]);
  const r = await deliverWithRetry(h.send, defaultRetryPolicy, h.deps);
  assert.equal(r.delivered, false);
  assert.equal(r.gaveUp, 'tries');
  assert.equal(r.tries, 5);
  // Backoffs 500, 1000, 2000, 4000 ms, interleaved with the limiter's slots (the 500 after the first backoff fills the 1 s slot).
  assert.deepEqual(h.sleeps, [0, 500, 500, 1000, 0, 2000, 0, 4000, 0]);
});

test('a 400 is not retried', async () => {
  const h = harness([{ kind: 'rejected', status: 400, latencyMs: 1, detail: 'invalid_payload' }, ok]);
  const r = await deliverWithRetry(h.send, defaultRetryPolicy, h.deps);
  assert.equal(r.gaveUp, 'rejected');
  assert.equal(r.tries, 1);
});

test('a Retry-After beyond the bound and a passed deadline end the delivery', async () => {
  const far = harness([{ kind: 'rate_limited', status: 429, retryAfterMs: 3_600_000, latencyMs: 1, detail: '' }]);
  assert.equal((await deliverWithRetry(far.send, defaultRetryPolicy, far.deps)).gaveUp, 'retry_after_too_long');
  const slow = harness([e500, e500, e500]);
  assert.equal((await deliverWithRetry(slow.send, { ...defaultRetryPolicy, deadlineMs: 1200 }, slow.deps)).gaveUp, 'deadline');
});

test('one message a second per URL: back-to-back sends wait for their slot', async () => {
  const h = harness([ok, ok, ok]);
  for (let i = 0; i < 3; i++) await deliverWithRetry(h.send, defaultRetryPolicy, h.deps);
  assert.deepEqual(h.sleeps, [0, 1000, 1000]);
});
