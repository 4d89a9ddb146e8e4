import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema } from '../rules/alert-rule-schema.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { planWindows } from '../source/window-plan.ts';
import { evaluateCondition } from './condition.ts';
import type { GroupWindows } from './evidence.ts';
import { withSeasonalLevel } from './seasonal-level.ts';

// Cause of a false spend alert in the benchmark (seed 2, search, Monday 00:2x): the 3-hour level
// span before the window still covered Sunday evening, at the weekend's 45 %, so the baseline was
// scaled down to a weekend and Monday's ordinary 130 % crossed the line. The span now starts no
// earlier than midnight in the team's time zone; before 10 minutes of the day, no scaling at all.

const spendSpike = defaultRules().find((r) => r.name === 'spend_spike')!;
const c = spendSpike.condition;
if (c.type !== 'anomaly') throw new Error('spend_spike is an anomaly rule');
const MIN = 60_000;
const MONDAY = Date.UTC(2026, 10, 30);

test('just after midnight the plan has no level spans: too little of today to judge its level', () => {
  assert.equal(planWindows(spendSpike, MONDAY + 10 * MIN + 30_000).length, 1 + 7);
  assert.equal(planWindows(spendSpike, MONDAY + 11 * MIN + 30_000).length, 1 + 7 + 8);
});

test('later the span runs from midnight in the team zone, the same hours on each baseline day', () => {
  const w = planWindows(spendSpike, MONDAY + 70 * MIN + 30_000);
  assert.equal(w.length, 1 + 7 + 8);
  assert.deepEqual(w[8], { startMs: MONDAY, endMs: MONDAY + 69 * MIN });
  assert.deepEqual(w[15], { startMs: MONDAY - 7 * 86_400_000, endMs: MONDAY - 7 * 86_400_000 + 69 * MIN });
  const full = planWindows(spendSpike, MONDAY + 5 * 60 * MIN + 30_000);
  assert.equal(full[8]!.endMs - full[8]!.startMs, 3 * 60 * MIN, 'never longer than level_span');
});

test("the zone's midnight, not UTC's: Berlin's Monday starts at 23:00 UTC on Sunday", () => {
  const berlin = { ...spendSpike, condition: { ...c, time_zone: 'Europe/Berlin' } };
  const w = planWindows(berlin, MONDAY + 30 * MIN + 30_000);
  assert.deepEqual(w[8], { startMs: MONDAY - 60 * MIN, endMs: MONDAY + 29 * MIN });
});

test("Monday 00:05 at Monday's 130 % (+10 % noise): unscaled it is not news; scaled by Sunday evening's 45 % it was", () => {
  const usual = 10;
  const ordinaryWeek = [1.02, 0.97, 1, 1.01, 0.99, 1.03, 0.98];
  const current = { value: usual * 1.3 * 1.1, volume: 400 };
  const raw: GroupWindows = { labels: { team: 'search' }, current, baseline: ordinaryWeek.map((d) => usual * d) };
  const judge = (g: GroupWindows) => evaluateCondition(spendSpike, { ...withSeasonalLevel(c, g), current });
  assert.ok(judge(raw).ratio < 1, `aligned: ratio ${judge(raw).ratio}`);
  const sundayEvening: GroupWindows = { ...raw, baseline: [...raw.baseline, usual * 0.45 * 180, ...ordinaryWeek.map((d) => usual * d * 180)] };
  assert.ok(judge(sundayEvening).ratio >= 1, 'the old span made it a false alert');
});

test('a rule with an unknown time zone is refused, naming the field', () => {
  const bad = {
    name: 'x',
    metric: 'spend_usd',
    window: '1m',
    condition: { type: 'anomaly', baseline: { every: '1d', count: 7 }, level_span: '3h', time_zone: 'Mars/Base' },
  };
  const r = alertRuleSchema.safeParse(bad);
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /time_zone.*IANA|IANA.*time_zone/s);
});
