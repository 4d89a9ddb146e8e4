import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitJournal } from './circuit-journal.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');

test('transitions are split by the longest configured route name, queued, heartbeated while not closed, and put back when undelivered', () => {
  let now = T0;
  const journal = new CircuitJournal({ routes: () => ['chat', 'openai/chat'], clock: { now: () => now }, heartbeatMs: 60_000 });
  journal.record('openai/chat/gpt', 'open');
  journal.record('unknown/x', 'open');
  now += 5000;
  journal.record('chat/a', 'open');
  journal.record('chat/a', 'closed');
  assert.deepEqual(journal.take(), [
    { route: 'openai/chat', deployment: 'gpt', state: 'open', atMs: T0 },
    { route: 'chat', deployment: 'a', state: 'open', atMs: T0 + 5000 },
    { route: 'chat', deployment: 'a', state: 'closed', atMs: T0 + 5000 },
  ]);
  assert.deepEqual(journal.take(), [], 'nothing new, no heartbeat due yet');
  now = T0 + 60_000;
  const beat = journal.take();
  assert.deepEqual(beat, [{ route: 'openai/chat', deployment: 'gpt', state: 'open', atMs: T0 + 60_000 }], 'the circuit still open is re-reported');
  journal.record('openai/chat/gpt', 'half_open');
  journal.restore(beat);
  assert.deepEqual(
    journal.take().map((t) => t.state),
    ['open', 'half_open'],
    'undelivered first, in order',
  );
});

test('bounded: the oldest go first and are counted', () => {
  const journal = new CircuitJournal({ routes: () => ['r'], clock: { now: () => T0 }, capacity: 2 });
  journal.record('r/a', 'open');
  journal.record('r/a', 'half_open');
  journal.record('r/a', 'closed');
  assert.deepEqual(
    journal.take().map((t) => t.state),
    ['half_open', 'closed'],
  );
  assert.equal(journal.dropped, 1);
});
