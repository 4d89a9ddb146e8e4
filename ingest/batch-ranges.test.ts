import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutBatches } from './batch-ranges.ts';

const msgs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ key: null, value: '', partition: 0, offset: String(from + i) }));
const shape = (batches: ReturnType<typeof cutBatches>) => batches.map((b) => `${b[0]!.offset}-${b[b.length - 1]!.offset}`);

test('without stored ranges, batches are cut every maxRows', () => {
  assert.deepEqual(shape(cutBatches(msgs(0, 9), [], 4)), ['0-3', '4-7', '8-9']);
  assert.deepEqual(cutBatches([], [], 4), []);
});

test('redelivered messages are re-cut on the exact ranges stored before the crash', () => {
  const stored = [
    { first: 10n, last: 12n },
    { first: 13n, last: 19n },
  ];
  assert.deepEqual(shape(cutBatches(msgs(10, 25), stored, 4)), ['10-12', '13-19', '20-23', '24-25']);
});

test('a stored range larger than maxRows stays whole; a partial delivery keeps its range identity', () => {
  assert.deepEqual(shape(cutBatches(msgs(0, 9), [{ first: 0n, last: 7n }], 3)), ['0-7', '8-9']);
  assert.deepEqual(shape(cutBatches(msgs(0, 4), [{ first: 0n, last: 7n }], 3)), ['0-4']);
});
