import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RoutingWeights } from './routing-weights.ts';
import { WeightsPoller } from './weights-poller.ts';

let mode: 'ok' | 'error' = 'ok';
const server: Server = createServer((_req, res) => {
  if (mode === 'error') {
    res.writeHead(502).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { routingWeights: [{ deployment: 'a', weight: 0 }, { deployment: 'b', weight: 0.8 }] } }));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
after(() => server.close());

test('weights from the API are applied; when the API fails or vanishes the last known good weights stay', async () => {
  const weights = new RoutingWeights();
  const logs: string[] = [];
  const poller = new WeightsPoller({ apiUrl, routes: () => ['chat'], weights, intervalMs: 1000, log: (m) => logs.push(m), clock: { now: () => 1234 } });
  assert.equal(await poller.pollOnce(), true);
  assert.equal(weights.effective('chat', 'a', 2), 0);
  assert.equal(weights.effective('chat', 'b', 2), 1.6);
  assert.equal(weights.effective('chat', 'unknown', 2), 2, 'no policy opinion: configured weight');
  assert.equal(weights.lastUpdatedMs, 1234);

  mode = 'error';
  assert.equal(await poller.pollOnce(), false);
  assert.equal(await poller.pollOnce(), false);
  assert.equal(weights.policyWeight('chat', 'b'), 0.8);
  assert.equal(logs.length, 1, 'an outage is logged once, not per poll');
  assert.match(logs[0]!, /keeping the last known weights/);

  const gone = new WeightsPoller({ apiUrl: 'http://127.0.0.1:1/graphql', routes: () => ['chat'], weights, intervalMs: 1000 });
  assert.equal(await gone.pollOnce(), false);
  assert.equal(weights.policyWeight('chat', 'a'), 0);

  mode = 'ok';
  assert.equal(await poller.pollOnce(), true);
  assert.match(logs[1]!, /reachable again/);
});
