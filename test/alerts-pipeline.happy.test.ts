import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { serviceNames, startPipeline, type Pipeline } from '../cli/pipeline.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';
import { until } from './support/wait.ts';

let sim: Simulator;
let pipeline: Pipeline;
let receiver: Awaited<ReturnType<typeof startSlackLikeReceiver>>;
const logs: string[] = [];
const data = mkdtempSync(join(tmpdir(), 'switchyard-alerts-pipeline-'));

before(async () => {
  sim = await startSimulator();
  receiver = await startSlackLikeReceiver();
  const routes = simulatedRoutes((u, k) => sim.baseUrl(u, k));
  // A rule any traffic breaks: the policy process must evaluate it over the rollups and notify.
  routes.alerts = {
    receivers: [{ name: 'oncall', type: 'slack', url_env: 'ALERTS_SLACK_URL' }],
    route: { receivers: ['oncall'], group_wait: '0s' },
    rules: [{ name: 'any-request', metric: 'requests', window: '1m', group_by: ['team'], condition: { type: 'static', threshold: 0 } }],
    evaluation_interval: '10s',
  };
  pipeline = await startPipeline({
    services: new Set(serviceNames),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    opsPort: 0,
    routes,
    providerEnv: { [SIMULATOR_KEY_ENV]: 'k', ALERTS_SLACK_URL: receiver.url('T/B/pipeline-secret') },
    clickhouse: { kind: 'embedded', path: join(data, 'clickhouse') },
    weightsPollMs: 1000,
    policyIntervalMs: 1000,
    policyWindowMs: 10_000,
    log: (m) => logs.push(m),
  });
});
after(async () => {
  await pipeline.stop();
  await receiver.close();
  await sim.close();
  rmSync(data, { recursive: true, force: true });
});

test('the policy process evaluates rules over the rollups each interval, notifies Slack and counts it on /metrics', async () => {
  assert.ok(
    logs.some((l) => /^alerts: \d+ rules, receivers oncall \(slack\)/.test(l)),
    logs.join('\n'),
  );
  // Traffic in a minute that has already closed when the rule reads it (complete minutes only).
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${pipeline.collectorUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-team': 'search' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 200);
  }
  await pipeline.publisher!.flush();
  const message = await until('a Slack notification', async () => receiver.delivered()[0] ?? null, 150_000);
  assert.match(JSON.parse(message.body).text, /any-request · team=search/);
  // The counter moves once the notification log is written, just after the receiver answered.
  const metrics = await until('the delivered counter', async () => {
    const body = await (await fetch(`${pipeline.opsUrl}/metrics`)).text();
    return /switchyard_alerts_notifications_total\{[^}]*outcome="delivered"[^}]*\} 1/.test(body) ? body : null;
  });
  assert.match(metrics, /switchyard_alerts_evaluations_total\{[^}]*rule="spend_spike"/);
  assert.ok(!logs.some((l) => l.includes('pipeline-secret')));
});
