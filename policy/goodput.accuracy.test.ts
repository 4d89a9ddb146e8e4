import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketMeetsSlo, goodput } from './goodput.ts';

const interactive = { latencyMs: 10_000, ttftMs: 1000 };
const batch = { latencyMs: 60_000, ttftMs: null };

test('a bucket meets an SLO when both its upper bounds are within it', () => {
  assert.equal(bucketMeetsSlo('10000:1000', interactive), true);
  assert.equal(bucketMeetsSlo('20000:250', interactive), false, 'latency over');
  assert.equal(bucketMeetsSlo('2000:2000', interactive), false, 'TTFT over');
  assert.equal(bucketMeetsSlo('2000:none', interactive), false, 'not streamed: its TTFT is its latency, 2 s > 1 s');
  assert.equal(bucketMeetsSlo('1000:none', interactive), true, 'not streamed, answered within 1 s: within the TTFT bound');
  assert.equal(bucketMeetsSlo('inf:100', interactive), false);
  assert.equal(bucketMeetsSlo('60000:none', batch), true, 'a batch SLO checks latency only');
  assert.equal(bucketMeetsSlo('120000:none', batch), false);
});

test('goodput sums the buckets: met, served, share and per second', () => {
  const g = goodput({ '1000:250': 30, '10000:1000': 10, '20000:1000': 5, '2000:none': 5, '500:none': 10 }, interactive, 60);
  assert.deepEqual(g, { met: 50, served: 60, share: 50 / 60, perSecond: 50 / 60 });
  assert.deepEqual(goodput({}, batch, 60), { met: 0, served: 0, share: null, perSecond: 0 });
});
