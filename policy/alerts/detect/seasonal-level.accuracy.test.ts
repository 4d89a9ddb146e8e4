import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema } from '../rules/alert-rule-schema.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { planWindows } from '../source/window-plan.ts';
import { evaluateCondition } from './condition.ts';
import type { GroupWindows } from './evidence.ts';
import { withSeasonalLevel } from './seasonal-level.ts';

// Causes of most false spend alerts in the benchmark: (1) a Monday runs ~130 % of the usual day
// all day, so its same-minute spend sat near the 150 % line and noise crossed it; (2) with two
// weekend days and a holiday among the 7 baseline days, the median of the raw windows is the
// lowest of the remaining weekdays — a low line. Each baseline day is now rescaled to today's
// level (the hours before the window against the same hours of that day) before the median.

const spendSpike = defaultRules().find((r) => r.name === 'spend_spike')!;
const c = spendSpike.condition;
if (c.type !== 'anomaly') throw new Error('spend_spike is an anomaly rule');

/** Baseline days with these levels (1 = an ordinary weekday) at `usual` a minute, today at `level`, its window at `now`. */
function group(now: number, level: number, days: readonly number[], usual = 10): GroupWindows {
  const spanOf = (v: number) => v * 180; // 3 hours of minutes
  return {
    labels: { team: 'payments' },
    current: { value: now, volume: 400 },
    baseline: [...days.map((d) => usual * d), spanOf(usual * level), ...days.map((d) => spanOf(usual * d))],
  };
}
const judge = (g: GroupWindows) => evaluateCondition(spendSpike, { ...withSeasonalLevel(c, g), current: g.current! });
const ordinaryWeek = [1.02, 0.97, 1, 1.01, 0.99, 1.03, 0.98];
// Last 7 days before a Monday: Sunday, Saturday, Friday, a holiday Thursday, Wednesday, Tuesday, Monday.
const weekWithHoliday = [0.45, 0.45, 1.1, 0.3, 1.05, 1.08, 1.3];

test('the plan reads the level span before today and before each baseline day', () => {
  const now = Date.UTC(2026, 10, 30, 14, 0, 30);
  const w = planWindows(spendSpike, now);
  assert.equal(w.length, 1 + 7 + 8);
  assert.deepEqual(w[8], { startMs: Date.UTC(2026, 10, 30, 10, 59), endMs: Date.UTC(2026, 10, 30, 13, 59) });
  assert.deepEqual(w[15], { startMs: Date.UTC(2026, 10, 23, 10, 59), endMs: Date.UTC(2026, 10, 23, 13, 59) });
});

test('a Monday at 130 % with noise up to +25 % is not news; the same value on an ordinary day is', () => {
  const monday = judge(group(10 * 1.3 * 1.25, 1.3, ordinaryWeek));
  assert.ok(monday.ratio < 1, `ratio ${monday.ratio}`);
  assert.ok(Math.abs(monday.level! - 1.3) < 0.01);
  assert.ok(judge(group(10 * 1.3 * 1.25, 1, ordinaryWeek)).ratio >= 1);
});

test('weekend and holiday days in the baseline are rescaled, not allowed to drag the median down', () => {
  const g = withSeasonalLevel(c, group(10, 1, weekWithHoliday));
  // Every day becomes today's level × this minute's shape; the holiday is rescaled by the 3× cap.
  assert.deepEqual(
    g.baseline.map((v) => Math.round(v! * 100) / 100),
    [10, 10, 10, 9, 10, 10, 10],
  );
  assert.equal(judge(group(10, 1, weekWithHoliday)).baseline, 10);
});

test('a 3× spike still fires on a Monday, and on a holiday at 30 %', () => {
  assert.ok(judge(group(10 * 1.3 * 3, 1.3, ordinaryWeek)).ratio >= 1);
  const holiday = judge(group(10 * 0.3 * 3, 0.3, ordinaryWeek));
  assert.ok(Math.abs(holiday.level! - 0.3) < 0.01);
  assert.ok(holiday.ratio >= 1, `a spike to 90 % of a normal day is 3× the holiday: ratio ${holiday.ratio}`);
});

test('a baseline day is rescaled by at most 3×, so a spike filling the whole span stays news', () => {
  const g = withSeasonalLevel(c, group(10, 10, ordinaryWeek));
  assert.ok(g.baseline.every((v) => v! <= 10 * 1.03 * 3 + 1e-9));
});

test('no history in the level spans: the baseline stands unscaled', () => {
  const g = group(20, 1, ordinaryWeek);
  const bare = withSeasonalLevel(c, { ...g, baseline: [...g.baseline.slice(0, 8), ...g.baseline.slice(8).map(() => null)] });
  assert.equal(bare.level, undefined);
  assert.deepEqual(bare.baseline, g.baseline.slice(0, 7));
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
