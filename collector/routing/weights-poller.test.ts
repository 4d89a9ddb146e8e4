import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { RoutingWeights } from './routing-weights.ts';
import { WeightsPoller } from './weights-poller.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
let mode: 'ok' | 'error' | 'malformed' = 'ok';
let computedAt = new Date(T0).toISOString();
const bodies: string[] = [];
const server: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    bodies.push(body);
    if (mode === 'error') return void res.writeHead(502).end();
    const w = (route: string, deployment: string, weight: number | string) => ({ route, deployment, weight, computedAt });
    const routingWeights =
      mode === 'malformed' ? [w('chat', 'a', 'high')] : [w('chat', 'a', 0), w('chat', 'b', 0.8), w('batch', 'x', 0.5), w('other', 'y', 0.1)];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { routingWeights } }));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
after(() => server.close());

test('every route in one call, validated by the contract; failures and bad answers keep the last good weights', async () => {
  const weights = new RoutingWeights();
  const logs: string[] = [];
  const now = T0 + 1000;
  const poller = new WeightsPoller({ apiUrl, routes: () => ['chat', 'batch'], weights, intervalMs: 1000, log: (m) => logs.push(m), clock: { now: () => now } });
  bodies.length = 0;
  assert.equal(await poller.pollOnce(), true);
  assert.equal(bodies.length, 1, 'one request for all routes');
  assert.doesNotMatch(bodies[0]!, /\$route/);
  assert.equal(weights.effective('chat', 'a', 2), 0);
  assert.equal(weights.effective('chat', 'b', 2), 1.6);
  assert.equal(weights.effective('batch', 'x', 2), 1);
  assert.equal(weights.policyWeight('other', 'y'), undefined, 'routes this collector does not serve are ignored');
  assert.equal(weights.effective('chat', 'unknown', 2), 2, 'no policy opinion: configured weight');
  assert.equal(poller.ageMs(), 1000);

  mode = 'malformed';
  assert.equal(await poller.pollOnce(), false);
  assert.match(logs[0]!, /does not match the routing-decision contract: data\.routingWeights\.0\.weight/);
  mode = 'error';
  assert.equal(await poller.pollOnce(), false);
  assert.equal(weights.policyWeight('chat', 'b'), 0.8);
  assert.equal(logs.length, 1, 'an outage is logged once, not per poll');

  const gone = new WeightsPoller({ apiUrl: 'http://127.0.0.1:1/graphql', routes: () => ['chat'], weights, intervalMs: 1000 });
  assert.equal(await gone.pollOnce(), false);
  assert.equal(weights.policyWeight('chat', 'a'), 0);

  mode = 'ok';
  assert.equal(await poller.pollOnce(), true);
  assert.match(logs[1]!, /reachable again/);
});

test('staleness: past the limit the weights stay applied, one log line, and the gauges say so', async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const weights = new RoutingWeights();
  const logs: string[] = [];
  let now = T0;
  computedAt = new Date(T0).toISOString();
  mode = 'ok';
  const poller = new WeightsPoller({
    apiUrl,
    routes: () => ['chat'],
    weights,
    intervalMs: 1000,
    staleAfterMs: 10_000,
    meter: provider.getMeter('t'),
    log: (m) => logs.push(m),
    clock: { now: () => now },
  });
  await poller.pollOnce();
  assert.equal(poller.isStale(), false);
  now = T0 + 10_001; // the policy engine stopped: the API keeps answering the same weights
  await poller.pollOnce();
  await poller.pollOnce();
  assert.equal(poller.isStale(), true);
  assert.equal(weights.policyWeight('chat', 'b'), 0.8, 'stale weights are still applied');
  assert.deepEqual(logs, ['collector: routing weights are stale (newest computed 10 s ago, limit 10 s); applying the last known ones']);
  const gauges = async () => {
    const { resourceMetrics } = await exporter.collect();
    const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m.dataPoints[0]?.value]);
    return Object.fromEntries(points) as Record<string, number>;
  };
  assert.deepEqual(await gauges(), { 'switchyard.collector.routing_weights.age': 10.001, 'switchyard.collector.routing_weights.stale': 1 });
  computedAt = new Date(now).toISOString();
  await poller.pollOnce();
  assert.equal(poller.isStale(), false);
  assert.match(logs[1]!, /fresh again/);
  assert.equal((await gauges())['switchyard.collector.routing_weights.stale'], 0);
  await provider.shutdown();
});

/** A poller whose API never answers (nothing listens on port 1), staleness limit 5 s, on a settable clock. */
function unreachableApiPoller() {
  const clock = { ms: T0, now: () => clock.ms };
  const logs: string[] = [];
  const poller = new WeightsPoller({
    apiUrl: 'http://127.0.0.1:1/graphql',
    routes: () => ['chat'],
    weights: new RoutingWeights(),
    intervalMs: 1000,
    staleAfterMs: 5000,
    log: (m) => logs.push(m),
    clock,
  });
  return { poller, logs, clock };
}

test('no weights at all since start also turns stale after the limit', async () => {
  const { poller, logs, clock } = unreachableApiPoller();
  await poller.pollOnce();
  assert.equal(poller.isStale(), false);
  clock.ms = T0 + 6000;
  await poller.pollOnce();
  assert.equal(poller.isStale(), true);
  assert.match(logs.at(-1)!, /none received since start/);
});

test('a restart that finds hours-old weights applies them and calls them stale only after the limit without a fresher one', async () => {
  let now = T0;
  const logs: string[] = [];
  computedAt = new Date(T0 - 3 * 3_600_000).toISOString(); // written by the policy before the restart
  mode = 'ok';
  const weights = new RoutingWeights();
  const poller = new WeightsPoller({
    apiUrl,
    routes: () => ['chat'],
    weights,
    intervalMs: 1000,
    staleAfterMs: 10_000,
    log: (m) => logs.push(m),
    clock: { now: () => now },
  });
  assert.equal(await poller.pollOnce(), true);
  assert.equal(weights.policyWeight('chat', 'b'), 0.8, 'the last known weights are applied at once');
  assert.equal(poller.isStale(), false);
  now = T0 + 10_000;
  await poller.pollOnce();
  assert.equal(poller.isStale(), false, 'exactly the limit since start: not yet');
  assert.deepEqual(logs, []);
  now = T0 + 10_001;
  await poller.pollOnce();
  assert.equal(poller.isStale(), true);
  assert.deepEqual(logs, ['collector: routing weights are stale (newest computed 10810 s ago, limit 10 s); applying the last known ones']);
  computedAt = new Date(now).toISOString(); // the policy's first evaluation after the restart
  await poller.pollOnce();
  assert.equal(poller.isStale(), false);
  now += 10_000;
  assert.equal(poller.isStale(), false, 'a fresh weight restarts the count from when it was computed');
  now += 1;
  assert.equal(poller.isStale(), true);
});

test('an API still starting is not a warning: quiet until the staleness limit, then one line', async () => {
  const { poller, logs, clock } = unreachableApiPoller();
  await poller.pollOnce();
  clock.ms = T0 + 4000;
  await poller.pollOnce();
  assert.deepEqual(logs, [], 'nothing logged while the API may still be starting');
  clock.ms = T0 + 6000;
  await poller.pollOnce();
  await poller.pollOnce();
  assert.equal(logs.filter((l) => /cannot read routing weights/.test(l)).length, 1);
});
