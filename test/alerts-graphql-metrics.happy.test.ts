import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { ClickHouseAlertEventStore } from '../policy/alerts/store/clickhouse-alert-event-store.ts';
import { alertInstance } from './support/alerts-harness.ts';

// The new metrics on the GraphQL surface: the AlertMetric enum on alertRules, and the evidence's
// detail (from the routing and budget sources) and level (seasonal baselines) kept through the store.

let api: Awaited<ReturnType<typeof startTestApi>>;
const NOW = Date.now();

before(async () => {
  api = await startTestApi([testToken('ops', 'operator', ['*'])]);
  const demoted = alertInstance('f-demoted', 'deployment_demoted', { route: 'chat', deployment: 'b' }, 'firing', NOW - 60_000);
  demoted.state.evidence = { ...demoted.state.evidence!, detail: 'b: rate_limited — 429s are 40 % of attempts', level: 1.3 };
  await new ClickHouseAlertEventStore(api.store.client).record([demoted]);
});
after(async () => api.close());

test('alertRules name each metric from the AlertMetric enum, the new detectors included', async () => {
  const answer = await api.gql<{ alertRules: Array<{ name: string; metric: string }> }>(`{ alertRules { name metric } }`, {}, 'ops');
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const metricOf = Object.fromEntries(answer.data!.alertRules.map((r) => [r.name, r.metric]));
  assert.equal(metricOf.deployment_demoted, 'deployment_weight');
  assert.equal(metricOf.budget_threshold, 'budget_consumption');
  assert.equal(metricOf.budget_forecast, 'budget_forecast');
  const parity = JSON.stringify({
    name: 'parity-drop',
    metric: 'parity_rate',
    window: '10m',
    group_by: ['route', 'deployment'],
    condition: { type: 'static', op: '<', threshold: 0.95 },
  });
  const created = await api.gql<{ createAlertRule: { metric: string } }>(
    `mutation($d: String!) { createAlertRule(definition: $d) { metric } }`,
    { d: parity },
    'ops',
  );
  assert.equal(created.data?.createAlertRule.metric, 'parity_rate', JSON.stringify(created.errors));
  const wrong = JSON.stringify({ name: 'x', metric: 'shadow_match_rate', window: '10m', group_by: ['team'], condition: { type: 'static', threshold: 1 } });
  const refused = await api.gql(`mutation($d: String!) { createAlertRule(definition: $d) { name } }`, { d: wrong }, 'ops');
  assert.match(refused.errors?.[0]?.message ?? '', /group_by\.0: shadow_match_rate cannot be grouped by team/);
});

test('alerts carry the evidence detail and the level factor', async () => {
  const answer = await api.gql<{ alerts: Array<{ rule: string; evidence: { detail: string | null; level: number | null } }> }>(
    `{ alerts { rule evidence { detail level } } }`,
    {},
    'ops',
  );
  const demoted = answer.data!.alerts.find((a) => a.rule === 'deployment_demoted')!;
  assert.deepEqual(demoted.evidence, { detail: 'b: rate_limited — 429s are 40 % of attempts', level: 1.3 });
});
