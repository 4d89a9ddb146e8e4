import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessage, json, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// What users of the two faces expect beyond chat: count_tokens, Anthropic-shaped errors on every
// /v1/messages* path, and a clear 404 naming the supported endpoints.

let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  upstream = await startMockUpstream((req, res) => json(res, 200, anthropicMessage((req.body as { model: string }).model, 'ok')));
  c = await startCaseCollector([
    {
      name: 'claude',
      deployments: [{ name: 'claude', provider: 'anthropic', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

test('POST /v1/messages/count_tokens counts the prompt (system, messages, tools) without calling a provider', async () => {
  const small = await post(`${c.origin}/v1/messages/count_tokens`, { model: 'claude', messages: [{ role: 'user', content: 'hello' }] });
  const big = await post(`${c.origin}/v1/messages/count_tokens`, {
    model: 'claude',
    system: 'be brief '.repeat(100),
    messages: [{ role: 'user', content: 'hello' }],
    tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
  });
  assert.equal(small.status, 200);
  const [n, m] = [at(small.body, 'input_tokens') as number, at(big.body, 'input_tokens') as number];
  assert.ok(n > 0 && n < 20, `small prompt ${n}`);
  assert.ok(m > n + 200, `system and tools counted: ${m}`);
  assert.equal(upstream.requests.length, 0);
});

test('count_tokens errors are Anthropic-shaped: unknown model 404, bad body 400 naming the field', async () => {
  const unknown = await post(`${c.origin}/v1/messages/count_tokens`, { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(unknown.status, 404);
  assert.equal(at(unknown.body, 'error.type'), 'not_found_error');
  const bad = await post(`${c.origin}/v1/messages/count_tokens`, { model: 'claude' });
  assert.equal(bad.status, 400);
  assert.equal(at(bad.body, 'type'), 'error');
  assert.match(String(at(bad.body, 'error.message')), /messages/);
});

test('an unknown /v1/messages* path answers in Anthropic shape; other unsupported endpoints in OpenAI shape, listing what is supported', async () => {
  const batches = await post(`${c.origin}/v1/messages/batches`, {});
  assert.equal(batches.status, 404);
  assert.equal(at(batches.body, 'error.type'), 'not_found_error');
  for (const path of ['/v1/responses', '/v1/completions']) {
    const r = await post(`${c.origin}${path}`, { model: 'claude', input: 'x' });
    assert.equal(r.status, 404);
    assert.equal(at(r.body, 'error.code'), 'unsupported_endpoint');
    assert.match(String(at(r.body, 'error.message')), new RegExp(`POST ${path} is not supported.*POST /v1/chat/completions.*POST /v1/messages`));
    // …and where the rest is described: the README's endpoint table lists GET /, /healthz and /readyz too.
    assert.match(String(at(r.body, 'error.message')), /GET \/ describes the service, with its \/healthz and \/readyz probes/);
  }
});

test('the wrong method on a supported endpoint is a 405 naming the right one', async () => {
  const r = await fetch(`${c.origin}/v1/messages`);
  assert.equal(r.status, 405);
  assert.match(String(at(await r.json(), 'error.message')), /use POST \/v1\/messages/);
});
