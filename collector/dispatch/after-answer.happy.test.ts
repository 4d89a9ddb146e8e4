import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AfterAnswer } from './after-answer.ts';

test('deferred jobs run after the current turn, in the order they were queued', async () => {
  const after = new AfterAnswer();
  const ran: number[] = [];
  for (let i = 0; i < 5; i++) after.defer(() => void ran.push(i));
  await Promise.resolve();
  assert.deepEqual(ran, [], 'not before the turn’s I/O phase is over');
  assert.equal(after.pending, 5);
  await nextTurn();
  assert.deepEqual(ran, [0, 1, 2, 3, 4]);
  assert.equal(after.pending, 0);
});

test('a job that throws is logged by name of what failed, and the jobs after it still run', async () => {
  const logs: string[] = [];
  const after = new AfterAnswer((m) => logs.push(m));
  const ran: string[] = [];
  after.defer(() => void ran.push('a'));
  after.defer(() => {
    throw new Error('price sheet lost');
  });
  after.defer(() => void ran.push('c'));
  await nextTurn();
  assert.deepEqual(ran, ['a', 'c']);
  assert.deepEqual(logs, ['collector: recording an attempt after its answer failed: price sheet lost']);
});

test('flush runs every pending job at once (shutdown), and the scheduled turn then finds nothing to repeat', async () => {
  const after = new AfterAnswer();
  const ran: number[] = [];
  after.defer(() => void ran.push(1));
  after.defer(() => void ran.push(2));
  after.flush();
  assert.deepEqual(ran, [1, 2]);
  await nextTurn();
  assert.deepEqual(ran, [1, 2]);
});
