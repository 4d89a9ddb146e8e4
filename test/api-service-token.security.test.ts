import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingWeights } from '../collector/routing/routing-weights.ts';
import { WeightsPoller } from '../collector/routing/weights-poller.ts';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => (api = await startTestApi([testToken('collectors', 'service'), testToken('v', 'viewer', ['a'])])));
after(() => api.close());

const poller = (token?: string) => new WeightsPoller({ apiUrl: api.url, token, routes: () => ['chat'], weights: new RoutingWeights(), intervalMs: 60_000 });

test('a collector polls a protected API with its service token, and not without one', async () => {
  assert.equal(await poller('tok-collectors').pollOnce(), true);
  assert.equal(await poller().pollOnce(), false);
  assert.equal(await poller('tok-wrong').pollOnce(), false);
});
