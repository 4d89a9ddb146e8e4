import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRuleSchema, type AlertRuleInput } from '../rules/alert-rule-schema.ts';
import { defaultRules } from '../rules/default-rules.ts';
import { MemoryWindowSource, type MinuteBucket } from '../source/memory-window-source.ts';
import { planWindows } from '../source/window-plan.ts';
import { evaluateRule, type AlertInstance } from './evaluate-rule.ts';

const MIN = 60_000;
const DAY = 1440 * MIN;
const T0 = Date.UTC(2026, 10, 1);

function bucket(minute: number, dims: MinuteBucket['dims'], spend: number, requests = 30): MinuteBucket {
  return {
    minuteMs: T0 + minute * MIN,
    dims,
    requests,
    attempts: requests,
    errors: 0,
    fallbacks: 0,
    rate_limited: 0,
    final_failures: 0,
    spend_usd: spend,
    tokens: requests * 100,
    p95_latency_ms: 500,
    p99_latency_ms: 900,
    p95_ttft_ms: 200,
    p99_ttft_ms: 300,
  };
}

/** Evaluates `rule` every minute over [from, to) minutes, feeding each result into the next. */
async function evaluateEveryMinute(rule: ReturnType<typeof alertRuleSchema.parse>, source: MemoryWindowSource, from: number, to: number) {
  let alerts: AlertInstance[] = [];
  const log: Array<{ minute: number; alerts: AlertInstance[] }> = [];
  for (let m = from; m < to; m++) {
    const now = T0 + m * MIN;
    alerts = evaluateRule(
      rule,
      await source.read(rule, planWindows(rule, now)),
      alerts.filter((a) => a.state.state !== 'ok'),
      now,
    );
    log.push({ minute: m, alerts });
  }
  return log;
}

const spendSpike = defaultRules().find((r) => r.name === 'spend_spike')!;

test("spend spike: 3× a team's usual spend fires within two minutes, names the team and carries the evidence", async () => {
  const buckets: MinuteBucket[] = [];
  const spikeAt = 8 * 1440 + 600;
  for (let m = 0; m < spikeAt + 30; m++) {
    buckets.push(bucket(m, { team: 'search' }, (m >= spikeAt && m < spikeAt + 20 ? 3 : 1) * (1 + 0.05 * Math.sin(m))));
    buckets.push(bucket(m, { team: 'payments' }, 2));
  }
  const log = await evaluateEveryMinute(spendSpike, new MemoryWindowSource(buckets), spikeAt - 10, spikeAt + 30);
  const firstFiring = log.find((e) => e.alerts.some((a) => a.state.state === 'firing'))!;
  assert.ok(firstFiring.minute - spikeAt <= 2, `fired ${firstFiring.minute - spikeAt} minutes after the spike began`);
  const alert = firstFiring.alerts.find((a) => a.state.state === 'firing')!;
  assert.deepEqual(alert.group, { team: 'search' });
  assert.equal(alert.state.evidence!.series.length, 7);
  assert.ok(Math.abs(alert.state.evidence!.baseline! - 1) < 0.1, `one minute's usual spend: ${alert.state.evidence!.baseline}`);
  assert.ok(
    log.every((e) => e.alerts.every((a) => a.group.team === 'search')),
    'payments never alerts',
  );
  const resolved = log.find((e) => e.minute > spikeAt + 20 && e.alerts.some((a) => a.state.state === 'resolved'));
  assert.ok(resolved && resolved.minute <= spikeAt + 28, 'resolves once the spike has left the window for keep_firing_for');
});

test('a group that goes quiet: additive metrics read zero (resolve), ratios read no data', async () => {
  const rule = (over: Partial<AlertRuleInput>) =>
    alertRuleSchema.parse({ name: 'r', window: '1m', condition: { type: 'static', threshold: 1 }, group_by: ['team'], ...over });
  const source = new MemoryWindowSource([bucket(0, { team: 'a' }, 5), bucket(5, { team: 'b' }, 5)]);
  const spend = rule({ metric: 'spend_usd' });
  const firing = evaluateRule(spend, await source.read(spend, planWindows(spend, T0 + MIN)), [], T0 + MIN);
  assert.equal(firing[0]!.state.state, 'firing');
  const later = evaluateRule(
    spend,
    (await source.read(spend, planWindows(spend, T0 + 3 * MIN))).filter((g) => g.current),
    firing,
    T0 + 3 * MIN,
  );
  assert.equal(later.find((a) => a.group.team === 'a')!.state.state, 'resolved');
  const errors = rule({ metric: 'error_rate', condition: { type: 'static', op: '<', threshold: 0.5 } });
  const quiet = evaluateRule(errors, [], [{ ...firing[0]!, rule: 'r' }], T0 + 3 * MIN);
  assert.equal(quiet[0]!.state.state, 'resolved');
  assert.equal(quiet[0]!.state.evidence, null);
});

test('filters narrow the series; group_by splits them', async () => {
  const source = new MemoryWindowSource([
    bucket(0, { team: 'a', provider: 'openai' }, 5),
    bucket(0, { team: 'a', provider: 'anthropic' }, 7),
    bucket(0, { team: 'b', provider: 'openai' }, 11),
  ]);
  const rule = alertRuleSchema.parse({
    name: 'r',
    metric: 'spend_usd',
    window: '1m',
    filters: { provider: 'openai' },
    group_by: ['team'],
    condition: { type: 'static', threshold: 1 },
  });
  const groups = await source.read(rule, planWindows(rule, T0 + MIN));
  assert.deepEqual(groups.map((g) => [g.labels.team, g.current!.value]).sort(), [
    ['a', 5],
    ['b', 11],
  ]);
});

test('the current window ends at the last complete minute; baseline windows step back by baseline.every', () => {
  const windows = planWindows(spendSpike, T0 + 10 * MIN + 59_000);
  assert.deepEqual(windows[0], { startMs: T0 + 9 * MIN, endMs: T0 + 10 * MIN });
  assert.deepEqual(windows[7], { startMs: T0 + 9 * MIN - 7 * DAY, endMs: T0 + 10 * MIN - 7 * DAY });
});
