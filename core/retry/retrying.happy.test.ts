import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeTime } from './fake-time.ts';
import { retrying, type RetryOptions } from './retrying.ts';

class Failure extends Error {
  constructor(
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(retryable ? 'try again' : 'never');
  }
}

const options = (t: ReturnType<typeof fakeTime>, extra: Partial<RetryOptions> = {}): RetryOptions => ({
  policy: { baseDelayMs: 100, maxDelayMs: 1000 },
  retryable: (err) => err instanceof Failure && err.retryable,
  retryAfterMs: (err) => (err instanceof Failure ? err.retryAfterMs : null),
  clock: t.clock,
  sleep: t.sleep,
  random: () => 0.999999,
  ...extra,
});

test('retries a retryable failure with growing jittered waits until it succeeds', async () => {
  const t = fakeTime();
  const seen: number[] = [];
  const value = await retrying(async (n) => {
    seen.push(n);
    if (n < 4) throw new Failure(true);
    return 'done';
  }, options(t));
  assert.equal(value, 'done');
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.deepEqual(t.waits, [99, 199, 399]);
});

test('honours the Retry-After a failure carries', async () => {
  const t = fakeTime();
  let calls = 0;
  await retrying(
    async () => {
      if (calls++ === 0) throw new Failure(true, 750);
    },
    options(t, { random: () => 0 }),
  );
  assert.deepEqual(t.waits, [750]);
});

test('runs the hook after each wait and reports every failure', async () => {
  const t = fakeTime();
  const log: string[] = [];
  let calls = 0;
  await retrying(
    async () => {
      if (calls++ < 2) throw new Failure(true);
    },
    options(t, { onFailure: (_err, n) => log.push(`failed ${n}`), beforeRetry: async () => void log.push('heartbeat') }),
  );
  assert.deepEqual(log, ['failed 1', 'heartbeat', 'failed 2', 'heartbeat']);
});
