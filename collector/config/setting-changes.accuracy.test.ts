import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsNeedingRestart } from './setting-changes.ts';

const running = {
  routes: [{ name: 'a' }],
  retry: { max_attempts: 3 },
  circuit_breaker: { window_ms: 10_000 },
  budgets: { limits: [], calendar: [{ id: 'x' }] },
};
const live = ['routes', 'retry', 'budgets.limits'];

test('only changed settings outside the live list are named', () => {
  assert.deepEqual(settingsNeedingRestart(running, structuredClone(running), live), []);
  const next = { ...structuredClone(running), routes: [{ name: 'b' }], retry: { max_attempts: 5 }, circuit_breaker: { window_ms: 5000 } };
  assert.deepEqual(settingsNeedingRestart(running, next, live), ['circuit_breaker']);
});

test('a key with live children is compared child by child', () => {
  const next = { ...structuredClone(running), budgets: { limits: [{ id: 'l' }], calendar: [] } };
  assert.deepEqual(settingsNeedingRestart(running, next, live), ['budgets.calendar']);
});

test('a setting added or removed counts as changed', () => {
  assert.deepEqual(settingsNeedingRestart(running, { ...structuredClone(running), alerts: { rules: [] } }, live), ['alerts']);
  const { circuit_breaker: _gone, ...without } = structuredClone(running);
  assert.deepEqual(settingsNeedingRestart(running, without, live), ['circuit_breaker']);
});
