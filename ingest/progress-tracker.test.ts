import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressTracker } from './progress-tracker.ts';

const sample = (partition: number, committed: number, lag: number) => ({ partition, committed: String(committed), high: String(committed + lag), lag });
const MIN = 60_000;

test('a partition with lag whose offset does not move for the stall time is reported; others are not', () => {
  const t = new ProgressTracker();
  t.observe([sample(0, 100, 50), sample(1, 10, 0), sample(2, 5, 7)], 0);
  t.observe([sample(0, 100, 80), sample(1, 10, 0), sample(2, 9, 3)], 4 * MIN);
  assert.deepEqual(t.stalled(4 * MIN, 5 * MIN), []);
  t.observe([sample(0, 100, 90), sample(1, 10, 0), sample(2, 9, 3)], 5 * MIN);
  assert.deepEqual(t.stalled(5 * MIN, 5 * MIN), [{ partition: 0, lag: 90, stalledForMs: 5 * MIN }]);
  assert.deepEqual(
    t.stalled(9 * MIN, 5 * MIN).map((s) => s.partition),
    [0, 2],
  );
});

test('progress or catching up clears a stall; an idle partition without lag is healthy however long', () => {
  const t = new ProgressTracker();
  t.observe([sample(0, 100, 50), sample(1, 7, 0)], 0);
  t.observe([sample(0, 100, 50), sample(1, 7, 0)], 10 * MIN);
  assert.deepEqual(
    t.stalled(10 * MIN, 5 * MIN).map((s) => s.partition),
    [0],
  );
  t.observe([sample(0, 150, 0), sample(1, 7, 0)], 11 * MIN);
  assert.deepEqual(t.stalled(20 * MIN, 5 * MIN), []);
  assert.deepEqual(t.lagByPartition(), [
    { partition: 0, lag: 0 },
    { partition: 1, lag: 0 },
  ]);
});
