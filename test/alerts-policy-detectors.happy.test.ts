import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarBudgetSchema } from '../collector/budget/budget-definition.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { AlertService } from '../policy/alerts/alert-service.ts';
import { alertRuleSchema } from '../policy/alerts/rules/alert-rule-schema.ts';
import { defaultRules } from '../policy/alerts/rules/default-rules.ts';
import { planWindows } from '../policy/alerts/source/window-plan.ts';
import { alertSources } from '../policy/alerts/start-alerting.ts';
import { ClickHouseAlertEventStore } from '../policy/alerts/store/clickhouse-alert-event-store.ts';
import { BudgetEvaluator } from '../policy/budgets/budget-evaluator.ts';
import { writeBudget } from '../policy/budgets/budget-store.ts';
import { createOverride, revokeOverride } from '../policy/override-store.ts';
import { PolicyService } from '../policy/policy-service.ts';
import { buildNotifier } from './support/alerts-harness.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';

// The detectors fed by the policy engine, end to end on one chDB store: the budget evaluator and
// the routing policy service write what they write in production, the alert service evaluates
// the built-in rules over it, and the notifier delivers to a Slack-like receiver.

const S = 1000;
const MIN = 60_000;
let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let receiver: Awaited<ReturnType<typeof startSlackLikeReceiver>>;

before(async () => {
  store = await freshEmbeddedStore();
  receiver = await startSlackLikeReceiver();
});
after(async () => {
  await receiver.close();
  await store.dispose();
});

function alerting(name: string, clock: { now: () => number }, extraRules: unknown[] = []) {
  const env = { [`${name.toUpperCase()}_URL`]: receiver.url(`T/B/${name}`) };
  const section = { receivers: [{ name, type: 'slack', url_env: `${name.toUpperCase()}_URL` }], route: { receivers: [name] } };
  const { notifier } = buildNotifier(store.client, env, section, () => {});
  const rules = [...defaultRules(), ...extraRules.map((r) => alertRuleSchema.parse(r))];
  const service = new AlertService({
    rules: async () => rules,
    source: alertSources(store.client),
    events: new ClickHouseAlertEventStore(store.client, 8 * 86_400_000, clock.now),
    notifier,
    clock,
    evaluationIntervalMs: 60_000,
    log: (m) => assert.fail(m),
  });
  const texts = () =>
    receiver
      .delivered()
      .filter((r) => r.path.endsWith(`/${name}`))
      .map((r) => (JSON.parse(r.body) as { text: string }).text);
  return { service, texts };
}
const firing = (alerts: Awaited<ReturnType<AlertService['evaluate']>>, rule: string) =>
  alerts.filter((a) => a.rule === rule && a.state.state === 'firing').map((a) => a.group);

test('budget events: each threshold crossing and the forecast are alerts delivered once, grouped by budget', { timeout: 180_000 }, async () => {
  let now = Date.parse('2026-11-30T12:00:10Z');
  const clock = { now: () => now };
  const budget = calendarBudgetSchema.parse({ id: 'search-day', scope: 'team', match: 'search', period: 'day', limit_usd: '7', thresholds: [0.5, 1] });
  await writeBudget(store.client, budget, 'api', 'test', now);
  const spend = (hour: string, usd: string) =>
    store.client.insert({
      table: 'chargeback_per_hour_v2',
      format: 'JSONEachRow',
      values: [{ hour: `2026-11-30 ${hour}:00:00`, team: 'search', cost_usd: usd }],
    });
  await spend('03', '2.5');
  await spend('11', '3.5');
  const budgets = new BudgetEvaluator({ client: store.client, clock, log: () => {} });
  const { service, texts } = alerting('budgets', clock);

  await budgets.evaluateOnce();
  now += MIN;
  let alerts = await service.evaluate(now);
  assert.deepEqual(firing(alerts, 'budget_threshold'), [
    { budget: 'search-day', subject: 'search', scope: 'team', period: '2026-11-30T00:00:00Z', threshold: '0.5' },
  ]);
  assert.equal(firing(alerts, 'budget_forecast').length, 1);
  await service.flush(now + 31 * S);
  assert.equal(texts().length, 1, 'one message for the budget group');
  assert.match(texts()[0]!, /^FIRING 2 · budget_threshold, budget_forecast · budget=search-day/);
  assert.match(texts()[0]!, /spent \$6 \(85 % of the \$7 soft limit\), past its 50 % threshold/);

  // $1.5 more: the 100 % threshold is a new event, delivered once in a changed notice.
  await spend('12', '1.5');
  now += MIN;
  await budgets.evaluateOnce();
  now += MIN;
  alerts = await service.evaluate(now);
  assert.deepEqual(
    firing(alerts, 'budget_threshold')
      .map((g) => g.threshold)
      .sort(),
    ['0.5', '1'],
  );
  await service.flush(now + 6 * MIN);
  assert.equal(texts().length, 2);
  assert.match(texts()[1]!, /budget_threshold/);

  // The level metric for rules of one's own: spent / limit of the newest evaluation.
  const level = alertRuleSchema.parse({
    name: 'level',
    metric: 'budget_consumption',
    window: '5m',
    group_by: ['budget'],
    condition: { type: 'static', threshold: 0.8 },
  });
  const [read] = await alertSources(store.client).read(level, planWindows(level, now));
  assert.ok(Math.abs(read!.current!.value - 7.5 / 7) < 1e-9, String(read!.current!.value));

  // Hours later (past repeat_interval) nothing repeats the events.
  now += 5 * 3_600_000;
  await service.evaluate(now);
  await service.flush(now + 31 * S);
  assert.equal(texts().length, 2, 'notify_once alerts are never repeated');
  // The period ends: the event alerts resolve without a notice.
  now = Date.parse('2026-12-01T00:02:10Z');
  alerts = await service.evaluate(now);
  assert.equal(alerts.filter((a) => a.rule.startsWith('budget_') && a.state.state === 'resolved').length, 3);
  await service.flush(now + 31 * S);
  await service.flush(now + 10 * MIN);
  assert.equal(texts().length, 2, 'the end of a period is not news');
});

const deployment = (name: string) => ({
  name,
  provider: 'openai-compatible',
  base_url: 'http://127.0.0.1:1/v1',
  api_key_env: 'K',
  model: 'm',
  price: { input_per_mtok: '1', output_per_mtok: '2' },
});

test('deployment_demoted: fires when the policy engine cuts a deployment or an operator drains one, resolves when restored', { timeout: 180_000 }, async () => {
  const T = Date.parse('2026-11-30T15:00:30.000Z');
  let now = T;
  const clock = { now: () => now };
  const routes = parseRoutesConfig({ routes: [{ name: 'chat', deployments: [deployment('a'), deployment('b')] }] });
  const traffic = async (at: number, bFails: boolean) => {
    const events: AttemptEvent[] = [];
    for (let i = 0; i < 40; i++) {
      const started = new Date(at - 20_000 + i * 100).toISOString();
      events.push(sampleAttemptEvent({ route: 'chat', deployment: 'a', started_at: started }));
      events.push(
        bFails
          ? sampleAttemptEvent({ route: 'chat', deployment: 'b', started_at: started, status: 'error', error_class: 'server', http_status: 500 })
          : sampleAttemptEvent({ route: 'chat', deployment: 'b', started_at: started }),
      );
    }
    const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'alerts-detectors' });
    await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(at + i) })));
  };
  const policy = new PolicyService({ clickhouse: store.client, routes, intervalMs: 5000, windowMs: 30_000, clock });
  const { service, texts } = alerting('routing', clock);

  await traffic(now, true);
  await policy.evaluate();
  now = T + MIN;
  let alerts = await service.evaluate(now);
  assert.deepEqual(firing(alerts, 'deployment_demoted'), [{ route: 'chat', deployment: 'b' }]);
  const b = alerts.find((a) => a.rule === 'deployment_demoted')!.state.evidence!;
  assert.equal(b.value, 0);
  assert.match(b.detail ?? '', /^b: failing/);

  // An operator drains a: the alert comes from the override at once, before any policy evaluation.
  const drain = await createOverride(
    store.client,
    { route: 'chat', deployment: 'a', action: 'drain', share: null, actor: 'alice', reason: 'vendor maintenance', expiresAtMs: T + 3_600_000 },
    now + S,
  );
  now = T + 2 * MIN;
  alerts = await service.evaluate(now);
  assert.deepEqual(
    firing(alerts, 'deployment_demoted')
      .map((g) => g.deployment)
      .sort(),
    ['a', 'b'],
  );
  const drained = alerts.find((a) => a.rule === 'deployment_demoted' && a.group.deployment === 'a')!;
  assert.match(drained.state.evidence!.detail ?? '', /drained by alice: vendor maintenance/);
  await service.flush(now + 31 * S);
  // (The budget test's events are still in their period on this shared store: their own group.)
  const routeMessages = texts().filter((t) => t.includes('route=chat'));
  assert.equal(routeMessages.length, 1, 'both in one message: the route groups them');
  assert.match(routeMessages[0]!, /^FIRING 2 · deployment_demoted · route=chat/);

  // The drain is lifted and b answers again: the policy restores both, the alerts resolve.
  await revokeOverride(store.client, drain, 'alice', 'done', now + S);
  now = T + 10 * MIN;
  await traffic(now, false);
  await policy.evaluate();
  alerts = await service.evaluate(now + MIN);
  const states = Object.fromEntries(alerts.filter((a) => a.rule === 'deployment_demoted').map((a) => [a.group.deployment, a.state.state]));
  assert.equal(states.a, 'resolved', JSON.stringify(states));
  assert.ok(states.b === 'resolved' || states.b === undefined, `b recovers or is restored: ${JSON.stringify(states)}`);
});
