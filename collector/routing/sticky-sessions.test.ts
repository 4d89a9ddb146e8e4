import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StickySessions } from './sticky-sessions.ts';

test('a conversation keeps its deployment until it is forgotten after silence', () => {
  const s = new StickySessions(10, 1000);
  s.remember('c1', 'a', 0);
  assert.equal(s.get('c1', 999), 'a');
  s.remember('c1', 'b', 999);
  assert.equal(s.get('c1', 1998), 'b', 'the newest serving deployment wins and the clock restarts');
  assert.equal(s.get('c1', 3000), null);
  assert.equal(s.get('never', 0), null);
});

test('beyond its bound the least recently used conversations go first', () => {
  const s = new StickySessions(2, 60_000);
  s.remember('c1', 'a', 0);
  s.remember('c2', 'a', 1);
  s.remember('c1', 'a', 2); // c1 used again
  s.remember('c3', 'b', 3);
  assert.equal(s.size, 2);
  assert.equal(s.get('c2', 4), null);
  assert.equal(s.get('c1', 4), 'a');
  assert.equal(s.get('c3', 4), 'b');
});
