import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema } from '../rules/alert-rule-schema.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { MemoryWindowSource, type MinuteBucket } from '../source/memory-window-source.ts';
import { planWindows } from '../source/window-plan.ts';
import { evaluateRule, type AlertInstance } from './evaluate-rule.ts';

// Cause of false spend alerts at moderate volume in the benchmark: spend_spike read 2-minute
// windows and needed two evaluations a minute apart, so one expensive minute sat in both windows
// and fired alone. With 1-minute windows the second evaluation is new evidence.

const MIN = 60_000;
const START = Date.UTC(2026, 10, 2);
const HOT = START + 8 * 86_400_000 + 14 * 60 * MIN; // day 8, 14:00

/** Eight days of one team at 40 requests and $0.40 a minute; the `hot` minutes cost `factor` × that with the same requests. */
function source(hot: readonly number[], factor: number): MemoryWindowSource {
  const buckets: MinuteBucket[] = [];
  for (let t = START; t < HOT + 10 * MIN; t += MIN) {
    const spend = hot.includes(t) ? 0.4 * factor : 0.4;
    buckets.push({
      minuteMs: t,
      dims: { team: 'payments' },
      requests: 40,
      attempts: 40,
      errors: 0,
      fallbacks: 0,
      rate_limited: 0,
      final_failures: 0,
      spend_usd: spend,
      tokens: 0,
      p95_latency_ms: 0,
      p99_latency_ms: 0,
      p95_ttft_ms: 0,
      p99_ttft_ms: 0,
    });
  }
  return new MemoryWindowSource(buckets);
}

/** The rule's states at the evaluations 1, 2 and 3 minutes after the hot minute began. */
async function states(rule: ReturnType<typeof alertRuleSchema.parse>, src: MemoryWindowSource): Promise<string[]> {
  let previous: AlertInstance[] = [];
  const out: string[] = [];
  for (let t = HOT + MIN + 30_000; t <= HOT + 3 * MIN + 30_000; t += MIN) {
    previous = evaluateRule(rule, await src.read(rule, planWindows(rule, t)), previous, t);
    out.push(previous[0]?.state.state ?? 'ok');
  }
  return out;
}

const spendSpike = defaultRules().find((r) => r.name === 'spend_spike')!;
const twoMinute = alertRuleSchema.parse({ ...spendSpike, window: '2m', min_volume: 40 });

test('one expensive minute (2.2×) does not fire spend_spike: the next window does not contain it', async () => {
  assert.deepEqual(await states(spendSpike, source([HOT], 2.2)), ['pending', 'ok', 'ok']);
});

test('with overlapping 2-minute windows the same minute breached twice and fired', async () => {
  assert.deepEqual(await states(twoMinute, source([HOT], 2.2)), ['pending', 'firing', 'firing']);
});

test('a 3× spike fires 2 minutes in (two full windows)', async () => {
  assert.deepEqual((await states(spendSpike, source([HOT, HOT + MIN, HOT + 2 * MIN, HOT + 3 * MIN], 3))).slice(0, 2), ['pending', 'firing']);
});
