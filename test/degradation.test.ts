import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// When every provider fails: a 503 listing each attempt's reason, or, on routes that opt in,
// the last good answer to the identical request, marked as degraded.

let h: CollectorHarness;
before(async () => {
  h = await startCollectorHarness({
    config: (base: RoutesConfig) => ({ ...base, routes: base.routes.map((r) => ({ ...r, degradation: { cache_ttl_ms: 60_000 } })) }),
  });
});
after(() => h.close());

const post = (body: Record<string, unknown>, team = 'a') =>
  fetch(`${h.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk', 'x-switchyard-team': team },
    body: JSON.stringify({ model: 'chat', ...body }),
  });
const allDown = () => Object.values(simulatedUpstreams).forEach((u) => h.sim.setFaults(u, { down: true }));

test('all providers down: an identical earlier request is answered from the cache, marked degraded; others get the 503', async () => {
  const question = { messages: [{ role: 'user', content: 'what is the refund policy?' }] };
  const fresh = await post(question);
  const original = (await fresh.json()) as { choices: Array<{ message: { content: string } }> };
  assert.equal(fresh.headers.get('x-switchyard-degraded'), null);

  allDown();
  const degraded = await post(question);
  assert.equal(degraded.status, 200);
  assert.equal(degraded.headers.get('x-switchyard-degraded'), 'cache');
  const body = (await degraded.json()) as { choices: Array<{ message: { content: string } }> };
  assert.equal(body.choices[0]!.message.content, original.choices[0]!.message.content);

  const unseen = await post({ messages: [{ role: 'user', content: 'something never asked' }] });
  assert.equal(unseen.status, 503);
  const error = ((await unseen.json()) as { error: { message: string } }).error.message;
  assert.match(error, /openai-primary: overloaded \(HTTP 503\)/);
  assert.ok(!error.includes('sk'), 'no secrets in the reasons');

  const otherTeam = await post(question, 'b');
  assert.equal(otherTeam.status, 503, "another tenant never gets this tenant's cached answer");
  h.sim.clearFaults();
});

test('streaming requests are cached and replayed as a stream', async () => {
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0, defaultHeaders: { 'x-switchyard-team': 'a' } });
  const ask = () => openai.chat.completions.stream({ model: 'chat', messages: [{ role: 'user', content: 'stream me' }] }).finalChatCompletion();
  const live = await ask();
  allDown();
  const replayed = await ask();
  assert.equal(replayed.choices[0]!.message.content, live.choices[0]!.message.content);
  h.sim.clearFaults();
});
