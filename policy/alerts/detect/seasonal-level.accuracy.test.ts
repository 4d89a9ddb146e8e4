import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema } from '../rules/alert-rule-schema.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { planWindows } from '../source/window-plan.ts';
import { evaluateCondition } from './condition.ts';
import type { GroupWindows } from './evidence.ts';
import { withSeasonalLevel } from './seasonal-level.ts';

// Cause of most false spend alerts in the benchmark: a Monday runs ~130 % of the median day all
// day, so its same-minute spend sat near the 150 % line and noise crossed it. Today's level (the
// hours before the window against the same hours of the baseline days) now scales the baseline.

const spendSpike = defaultRules().find((r) => r.name === 'spend_spike')!;
const c = spendSpike.condition;
if (c.type !== 'anomaly') throw new Error('spend_spike is an anomaly rule');

/** Seven baseline days at `usual` per 2 minutes, today's window at `now`, the 3 hours before at `level` × usual. */
function group(now: number, level: number, usual = 10): GroupWindows {
  const days = [usual * 1.02, usual * 0.97, usual, usual * 1.01, usual * 0.99, usual * 1.03, usual * 0.98];
  const spanOf = (v: number) => v * 90; // 3 hours = 90 windows of 2 minutes
  return { labels: { team: 'payments' }, current: { value: now, volume: 400 }, baseline: [...days, spanOf(usual * level), ...days.map(spanOf)] };
}
const judge = (g: GroupWindows) => evaluateCondition(spendSpike, { ...withSeasonalLevel(c, g), current: g.current! });

test('the plan reads the level span before today and before each baseline day', () => {
  const now = Date.UTC(2026, 10, 30, 14, 0, 30);
  const w = planWindows(spendSpike, now);
  assert.equal(w.length, 1 + 7 + 8);
  assert.deepEqual(w[8], { startMs: Date.UTC(2026, 10, 30, 10, 58), endMs: Date.UTC(2026, 10, 30, 13, 58) });
  assert.deepEqual(w[15], { startMs: Date.UTC(2026, 10, 23, 10, 58), endMs: Date.UTC(2026, 10, 23, 13, 58) });
});

test('a Monday at 130 % with noise up to +25 % is not news; the same value on an ordinary day is', () => {
  const monday = judge(group(10 * 1.3 * 1.25, 1.3));
  assert.ok(monday.ratio < 1, `ratio ${monday.ratio}`);
  assert.ok(Math.abs(monday.level! - 1.3) < 0.01);
  const ordinary = judge(group(10 * 1.3 * 1.25, 1));
  assert.ok(ordinary.ratio >= 1, `ratio ${ordinary.ratio}`);
});

test('a 3× spike still fires on a Monday, and on a holiday at 30 % (the level is clamped to 0.5–1.5)', () => {
  assert.ok(judge(group(10 * 1.3 * 3, 1.3)).ratio >= 1);
  const holiday = judge(group(10 * 0.3 * 3, 0.3));
  assert.equal(holiday.level, 0.5);
  assert.ok(holiday.ratio >= 1, `a spike to 90 % of a normal day is 3× the holiday: ratio ${holiday.ratio}`);
});

test('no history in the level spans: the baseline stands unscaled', () => {
  const g = group(20, 1);
  const bare = withSeasonalLevel(c, { ...g, baseline: [...g.baseline.slice(0, 8), ...g.baseline.slice(8).map(() => null)] });
  assert.equal(bare.level, undefined);
  assert.equal(bare.baseline.length, 7);
});

test('level_span is for additive metrics only', () => {
  assert.throws(
    () =>
      alertRuleSchema.parse({
        name: 'x',
        metric: 'error_rate',
        window: '5m',
        condition: { type: 'anomaly', baseline: { every: '1h', count: 24 }, level_span: '3h' },
      }),
    /level_span/,
  );
});
