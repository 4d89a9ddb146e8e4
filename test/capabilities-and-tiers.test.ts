import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import type { DeploymentConfig, RoutesConfig } from '../collector/config/routes-config.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// Capability boundaries (tools, images, JSON mode, context window, region allow-list) and
// tiers, through the shim: a request only ever reaches a deployment that can serve it.

let h: CollectorHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

type Patch = Partial<Pick<DeploymentConfig, 'tier' | 'region'>> & { capabilities?: Partial<DeploymentConfig['capabilities']> };
const patched =
  (patches: Record<string, Patch>, extra: Partial<RoutesConfig> = {}) =>
  (base: RoutesConfig): RoutesConfig => ({
    ...base,
    ...extra,
    routes: base.routes.map((r) => ({
      ...r,
      deployments: r.deployments.map((d) => ({ ...d, ...patches[d.name], capabilities: { ...d.capabilities, ...patches[d.name]?.capabilities } })),
    })),
  });

async function post(origin: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const r = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client', ...headers },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string; param: string | null } } };
}

const image = {
  role: 'user',
  content: [
    { type: 'text', text: 'what is this?' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
  ],
};

test('an image request skips deployments without vision, even the preferred one', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: patched({ 'openai-primary': { capabilities: { vision: false } } }) });
  for (let i = 0; i < 5; i++) assert.equal((await post(h.origin, { messages: [image] })).status, 200);
  assert.equal(h.sim.stats(simulatedUpstreams.openai).requests, 0);
  assert.equal((await post(h.origin, {})).status, 200);
  assert.equal(h.events[h.events.length - 1]!.deployment, 'openai-primary', 'text requests still go to it');
});

test('when no deployment qualifies, a 400 says why for each', async () => {
  h = await startCollectorHarness({
    config: patched({
      'openai-primary': { capabilities: { tools: false } },
      'anthropic-backup': { capabilities: { tools: false } },
      'gemini-backup': { capabilities: { json_mode: false, tools: false } },
    }),
  });
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
  const r = await post(h.origin, { tools });
  assert.equal(r.status, 400);
  assert.equal(r.body.error!.code, 'no_capable_deployment');
  assert.match(r.body.error!.message, /openai-primary: no tool calling; anthropic-backup: no tool calling; gemini-backup: no tool calling/);
  assert.equal(h.sim.stats().requests, 0);
});

test('the counted prompt must fit the context window: too long for one goes elsewhere, for all is context_length_exceeded', async () => {
  const long = 'token '.repeat(3000);
  h = await startCollectorHarness({
    firstChoice: 'openai-primary',
    config: patched({ 'openai-primary': { capabilities: { context_window: 1000 } }, 'anthropic-backup': { capabilities: { context_window: 200_000 } } }),
  });
  assert.equal((await post(h.origin, { messages: [{ role: 'user', content: long }], max_tokens: 50 })).status, 200);
  assert.notEqual(h.events[0]!.deployment, 'openai-primary');
  await h.close();

  h = await startCollectorHarness({
    config: patched({
      'openai-primary': { capabilities: { context_window: 1000 } },
      'anthropic-backup': { capabilities: { context_window: 1000 } },
      'gemini-backup': { capabilities: { context_window: 1000 } },
    }),
  });
  const r = await post(h.origin, { messages: [{ role: 'user', content: long }] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error!.code, 'context_length_exceeded');
  assert.match(r.body.error!.message, /context window 1000 tokens < \d+/);
});

test('a key with a region allow-list is only ever served in those regions', async () => {
  const key = 'sk-eu-tenant';
  const keys = [
    { id: 'eu-tenant', sha256: createHash('sha256').update(key).digest('hex'), team: 'eu', project: '', user: '', environment: '', regions: ['eu'] },
  ];
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: patched({}, { keys }) });
  h.sim.setFaults(simulatedUpstreams.gemini, { errorRates: { '500': 1 } });
  const r = await post(h.origin, {}, { authorization: `Bearer ${key}` });
  // The only EU deployment fails: the request fails rather than leaving the region.
  assert.equal(r.status, 503);
  assert.ok(
    h.events.every((e) => e.region === 'eu'),
    JSON.stringify(h.events.map((e) => e.region)),
  );
  h.sim.clearFaults();
  assert.equal((await post(h.origin, {}, { authorization: `Bearer ${key}` })).status, 200);
});

const tiered = patched({ 'openai-primary': { tier: 'economy' }, 'gemini-backup': { tier: 'standard' }, 'anthropic-backup': { tier: 'premium' } });

test('tiers: header, difficulty hint and heuristic pick the tier; the event records it', async () => {
  h = await startCollectorHarness({ config: tiered });
  await post(h.origin, {}, { 'x-switchyard-tier': 'premium' });
  await post(h.origin, {}, { 'x-switchyard-difficulty': 'low' });
  await post(h.origin, { messages: [{ role: 'user', content: 'word '.repeat(1000) }] });
  await post(h.origin, { messages: [{ role: 'user', content: 'short' }] });
  await post(h.origin, { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] });
  assert.deepEqual(
    h.events.map((e) => [e.deployment, e.tier]),
    [
      ['anthropic-backup', 'premium'],
      ['openai-primary', 'economy'],
      ['gemini-backup', 'standard'],
      ['openai-primary', 'economy'],
      ['anthropic-backup', 'premium'],
    ],
  );
});

test('tiers: when the tier fails, the fallback path is up first, then down', async () => {
  h = await startCollectorHarness({ config: tiered });
  h.sim.setFaults(simulatedUpstreams.gemini, { errorRates: { '500': 1 } });
  assert.equal((await post(h.origin, {}, { 'x-switchyard-tier': 'standard' })).status, 200);
  assert.deepEqual(
    h.events.map((e) => e.tier),
    ['standard', 'premium'],
  );
});
