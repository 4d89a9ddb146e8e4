import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema, type AlertRuleInput } from '../rules/alert-rule-schema.ts';
import { evaluateCondition } from './condition.ts';
import { MAD_TO_SIGMA, summarizeBaseline, tukeyUpperFence } from './robust-stats.ts';

const rule = (over: Partial<AlertRuleInput>) =>
  alertRuleSchema.parse({ name: 'r', metric: 'spend_usd', window: '5m', condition: { type: 'anomaly' }, ...over });
const g = (value: number, baseline: Array<number | null>, volume = 100) => ({ labels: {}, current: { value, volume }, baseline });

test('median and MAD: one past incident in the baseline does not move the threshold', () => {
  const r = rule({ condition: { type: 'anomaly', sensitivity: 4, min_ratio: 1 } });
  const calm = evaluateCondition(r, g(10, [10, 11, 9, 10, 12, 8, 10]));
  const withIncident = evaluateCondition(r, g(10, [10, 11, 9, 10, 12, 8, 100]));
  assert.equal(calm.baseline, 10);
  assert.equal(withIncident.baseline, 10);
  // MAD of [10,11,9,10,12,8,10] = 1 → σ ≈ 1.4826 → threshold 10 + 4σ.
  assert.ok(Math.abs(calm.threshold - (10 + 4 * MAD_TO_SIGMA)) < 1e-9);
  assert.ok(Math.abs(withIncident.threshold - calm.threshold) < 1.5);
});

test('the relative floor holds when the baseline is flat (MAD 0)', () => {
  const e = evaluateCondition(rule({}), g(14, [10, 10, 10, 10, 10, 10, 10]));
  assert.equal(e.threshold, 15);
  assert.ok(e.ratio < 1);
  assert.ok(evaluateCondition(rule({}), g(30, [10, 10, 10, 10, 10, 10, 10])).ratio === 2);
});

test('mean statistic: daily spend above 150 % of the trailing 7-day mean', () => {
  const r = rule({ window: '1d', condition: { type: 'anomaly', statistic: 'mean', sensitivity: 0, min_ratio: 1.5, baseline: { every: '1d', count: 7 } } });
  const e = evaluateCondition(r, g(151, [100, 100, 100, 100, 100, 100, 100]));
  assert.equal(e.threshold, 150);
  assert.ok(e.ratio > 1);
});

test('too little baseline abstains instead of alerting (a new key, a fresh install)', () => {
  const e = evaluateCondition(rule({}), g(1000, [null, null, 5, null, 6, null, null]));
  assert.equal(e.sufficient, false);
  assert.equal(e.ratio, 0);
});

test('min volume: breach without enough requests is insufficient', () => {
  const e = evaluateCondition(rule({ min_volume: 50 }), g(100, [10, 10, 10, 10, 10, 10, 10], 49));
  assert.equal(e.sufficient, false);
  assert.ok(e.ratio > 1);
});

test('static thresholds above and below', () => {
  const above = rule({ condition: { type: 'static', op: '>', threshold: 0.1 }, metric: 'error_rate' });
  assert.equal(evaluateCondition(above, g(0.2, [])).ratio, 2);
  const below = rule({ condition: { type: 'static', op: '<', threshold: 100 }, metric: 'requests' });
  assert.equal(evaluateCondition(below, g(50, [])).ratio, 2);
  assert.equal(evaluateCondition(below, g(0, [])).ratio, Infinity);
});

test('peers: a key must also stand out from its team (Tukey fence), the smaller ratio decides', () => {
  const r = rule({ group_by: ['team', 'api_key_id'], condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, peers: { by: 'team', fence: 3 } } });
  const history = Array.from({ length: 24 }, () => 1);
  // The whole team is busy: the key is above its own history but not above its peers.
  assert.ok(evaluateCondition(r, g(10, history), [9, 10, 11, 10]).ratio < 1);
  // One key alone: above both.
  const alone = evaluateCondition(r, g(10, history), [1, 1.2, 0.9, 1.1]);
  assert.ok(alone.ratio > 1, String(alone.ratio));
  assert.ok(alone.peerFence !== null && alone.peerFence < 2);
  // Too few peers to judge: insufficient.
  assert.equal(evaluateCondition(r, g(10, history), [1]).sufficient, false);
});

test('summaries and fences on known data', () => {
  assert.deepEqual(summarizeBaseline([1, 2, 3, 4, 100], 'median'), { centre: 3, spread: MAD_TO_SIGMA * 1, samples: 5 });
  assert.equal(summarizeBaseline([], 'mean'), null);
  // Q1 = 1.5, Q3 = 3.5 (interpolated): 3.5 + 1.5 × 2.
  assert.equal(tukeyUpperFence([1, 2, 3, 4], 1.5), 6.5);
});
