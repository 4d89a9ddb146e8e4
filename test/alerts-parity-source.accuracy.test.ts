import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptEvent } from '../core/events/attempt-event.ts';
import { evaluateRule } from '../policy/alerts/detect/evaluate-rule.ts';
import { alertRuleSchema, type AlertRuleInput } from '../policy/alerts/rules/alert-rule-schema.ts';
import { planWindows } from '../policy/alerts/source/window-plan.ts';
import { alertSources } from '../policy/alerts/start-alerting.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { ingestThroughPipeline } from './support/seeded-traffic.ts';

// parity_rate and shadow_match_rate (docs/parity.md) read through the attempts → parity rollup
// materialized view of a real chDB store, in static and anomaly rules.

const MIN = 60_000;
const END = Date.UTC(2026, 10, 30, 12);
const NOW = END + 30_000;
let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;

function at(minutesBefore: number, deployment: string, parity: AttemptEvent['parity'], shadow?: AttemptEvent['shadow']): AttemptEvent {
  const started = END - minutesBefore * MIN + 10_000;
  return sampleAttemptEvent({ started_at: new Date(started).toISOString(), ended_at: new Date(started + 300).toISOString(), deployment, parity, shadow });
}
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

before(async () => {
  store = await freshEmbeddedStore();
  await ingestThroughPipeline(store.client, [
    // current window (5 min): openai-primary 3 ok of 4 checked (+2 without contract, +1 unchecked)
    ...times(3, () => at(1, 'openai-primary', 'ok')),
    at(2, 'openai-primary', 'schema_violation'),
    ...times(2, () => at(2, 'openai-primary', 'none')),
    at(3, 'openai-primary', undefined),
    // shadow copies to anthropic-backup of answers served by openai-primary: 1 match of 4
    at(1, 'anthropic-backup', 'ok', { of: 'openai-primary', match: true, differences: [] }),
    ...times(3, () => at(2, 'anthropic-backup', 'invalid_json', { of: 'openai-primary', match: false, differences: ['contract_outcome'] })),
    // each of the three previous hours: openai-primary 10 of 10 ok
    ...[1, 2, 3].flatMap((h) => times(10, () => at(h * 60 + 2, 'openai-primary', 'ok'))),
  ]);
});
after(async () => store.dispose());

const rule = (over: Partial<AlertRuleInput>) => alertRuleSchema.parse({ name: 'parity', window: '5m', ...over });
const read = async (r: ReturnType<typeof rule>) =>
  Object.fromEntries((await alertSources(store.client).read(r, planWindows(r, NOW))).map((g) => [Object.values(g.labels).join('/'), g]));

test('parity_rate: ok / checked per deployment, served rows only; volume = answers checked', async () => {
  const g = await read(rule({ metric: 'parity_rate', group_by: ['route', 'deployment'], condition: { type: 'static', op: '<', threshold: 0.9 } }));
  assert.deepEqual(Object.keys(g), ['chat/openai-primary'], 'shadow rows are not served traffic');
  assert.equal(g['chat/openai-primary']!.current!.value, 0.75);
  assert.equal(g['chat/openai-primary']!.current!.volume, 4, "'none' and unchecked answers are not checked");
});

test('shadow_match_rate: matches / shadow answers per (deployment = served, alternate = shadow)', async () => {
  const r = rule({
    metric: 'shadow_match_rate',
    group_by: ['deployment', 'alternate'],
    filters: { alternate: 'anthropic-backup' },
    condition: { type: 'static', op: '<', threshold: 0.5 },
  });
  const g = await read(r);
  assert.deepEqual(Object.keys(g), ['openai-primary/anthropic-backup']);
  assert.equal(g['openai-primary/anthropic-backup']!.current!.value, 0.25);
  const [alert] = evaluateRule(r, Object.values(g), [], NOW);
  assert.equal(alert!.state.state, 'firing', 'a quarter matching is under the 50 % line');
});

test('an anomaly rule with direction down sees the parity rate fall from its hourly baseline', async () => {
  const r = rule({
    metric: 'parity_rate',
    group_by: ['deployment'],
    // Four answers are too few for the sampling band (it would need the rate under 0.56): off here.
    condition: { type: 'anomaly', direction: 'down', baseline: { every: '1h', count: 3 }, min_ratio: 1.2, noise_z: 0 },
  });
  const g = await read(r);
  assert.deepEqual(g['openai-primary']!.baseline, [1, 1, 1]);
  const [alert] = evaluateRule(r, Object.values(g), [], NOW);
  const e = alert!.state.evidence!;
  assert.equal(alert!.state.state, 'firing');
  assert.ok(Math.abs(e.threshold - 1 / 1.2) < 1e-9, `threshold ${e.threshold}: the baseline ÷ min_ratio`);
  assert.ok(Math.abs(e.ratio - 1 / 1.2 / 0.75) < 1e-9, 'ratio = threshold ÷ value for a fall');
});

test('parity metrics refuse dimensions their rollup does not have', () => {
  assert.throws(() => rule({ metric: 'parity_rate', group_by: ['team'], condition: { type: 'static', threshold: 1 } }), /cannot be grouped by team/);
  assert.throws(() => rule({ metric: 'parity_rate', group_by: ['alternate'], condition: { type: 'static', threshold: 1 } }), /cannot be grouped by alternate/);
});
