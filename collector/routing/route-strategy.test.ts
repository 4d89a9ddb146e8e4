import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ewma, orderCandidates, type Candidate } from './route-strategy.ts';

const c = (item: string, weight: number, priceScore: number, latencyMs: number | null): Candidate<string> => ({ item, weight, priceScore, latencyMs });
const pool = [c('pricey-fast', 1, 10, 100), c('cheap-slow', 1, 0.5, 900), c('mid-unknown', 1, 2, null), c('failing-cheapest', 0, 0.1, 50)];

test('priority keeps config order, failing last', () => {
  assert.deepEqual(orderCandidates('priority', pool, Math.random), ['pricey-fast', 'cheap-slow', 'mid-unknown', 'failing-cheapest']);
});

test('cost puts the cheapest healthy deployment first, never a failing one', () => {
  assert.deepEqual(orderCandidates('cost', pool, Math.random), ['cheap-slow', 'mid-unknown', 'pricey-fast', 'failing-cheapest']);
});

test('latency tries unmeasured deployments first, then the fastest', () => {
  assert.deepEqual(orderCandidates('latency', pool, Math.random), ['mid-unknown', 'pricey-fast', 'cheap-slow', 'failing-cheapest']);
});

test('weighted samples by weight', () => {
  assert.equal(orderCandidates('weighted', [c('a', 1, 0, null), c('b', 3, 0, null)], () => 0.5)[0], 'b');
  assert.equal(orderCandidates('weighted', [c('a', 1, 0, null), c('b', 3, 0, null)], () => 0.1)[0], 'a');
});

test('ewma moves a fifth of the way to each sample', () => {
  assert.equal(ewma(null, 100), 100);
  assert.equal(ewma(100, 200), 120);
  assert.equal(ewma(120, 20, 0.5), 70);
});
