import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { json, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// The OpenAI face's /v1/embeddings: routed, failed over, costed and recorded like chat, on
// OpenAI, Gemini and OpenAI-compatible deployments.

let upstream: MockUpstream;
let c: CaseCollector;
const vector = (seed: number) => [seed / 10, -0.25, 0.5];

before(async () => {
  upstream = await startMockUpstream((req, res) => {
    if (req.url.endsWith(':batchEmbedContents')) {
      // ai.google.dev/api/embeddings: one embedding per request, no token count.
      const requests = (req.body as { requests: unknown[] }).requests;
      return json(res, 200, { embeddings: requests.map((_, i) => ({ values: vector(i + 1) })) });
    }
    const body = req.body as { model: string; input: string[] };
    if (body.model === 'down') return json(res, 503, { error: { message: 'overloaded' } });
    // platform.openai.com/docs/api-reference/embeddings/object (answered in reverse index order on purpose).
    json(res, 200, {
      object: 'list',
      data: body.input.map((_, i) => ({ object: 'embedding', index: i, embedding: vector(i + 1) })).reverse(),
      model: body.model,
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });
  const d = (name: string, provider: string, model: string, extra: Record<string, unknown> = {}) => ({
    name,
    provider,
    base_url: provider === 'gemini' ? upstream.origin : `${upstream.origin}/v1`,
    api_key_env: 'MOCK_KEY',
    model,
    ...extra,
  });
  const price = { price: { input_per_mtok: '0.15', output_per_mtok: '0' } };
  c = await startCaseCollector([
    // Priced from the catalog, which lists text-embedding-3-small at $0.02 / Mtok, input only.
    { name: 'embed', deployments: [d('emb-openai', 'openai', 'text-embedding-3-small')] },
    { name: 'embed-gemini', deployments: [d('emb-gemini', 'gemini', 'gemini-embedding-001', price)] },
    {
      name: 'embed-failover',
      strategy: 'priority',
      deployments: [d('emb-down', 'openai-compatible', 'down', price), d('emb-compat', 'openai-compatible', 'bge-m3', price)],
    },
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

test('the official OpenAI SDK (base64 by default) gets the vectors in input order, and the attempt is costed', async () => {
  c.events.length = 0;
  const client = new OpenAI({ baseURL: `${c.origin}/v1`, apiKey: 'k', maxRetries: 0 });
  const r = await client.embeddings.create({ model: 'embed', input: ['first text', 'second text'] });
  assert.deepEqual(
    r.data.map((d) => [d.index, d.embedding.map((x) => Math.round(x * 1000) / 1000)]),
    [
      [0, [0.1, -0.25, 0.5]],
      [1, [0.2, -0.25, 0.5]],
    ],
  );
  assert.equal(r.usage.prompt_tokens, 8);
  const e = c.events[0]!;
  assert.deepEqual(
    [e.route, e.deployment, e.status, e.input_tokens, e.output_tokens, e.provider_fields['operation']],
    ['embed', 'emb-openai', 'ok', 8, 0, 'embeddings'],
  );
  assert.equal(e.cost_usd, '0.000000160000', '8 tokens at $0.02 per million');
  assert.match(e.price_version, /^genai-prices@[\d.]+:openai\/text-embedding-3-small$/, 'the catalog price, not a configured one');
});

test('float encoding returns plain numbers; dimensions reach the provider', async () => {
  upstream.requests.length = 0;
  const r = await post(`${c.origin}/v1/embeddings`, { model: 'embed', input: 'one', encoding_format: 'float', dimensions: 3 });
  assert.deepEqual(at(r.body, 'data.0.embedding'), [0.1, -0.25, 0.5]);
  assert.equal(at(upstream.requests[0]!.body, 'dimensions'), 3);
});

test('Gemini embeddings: batchEmbedContents, input counted with the tokenizer and marked estimated', async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/embeddings`, { model: 'embed-gemini', input: ['alpha beta', 'gamma'], encoding_format: 'float' });
  assert.equal(r.status, 200);
  assert.equal((at(r.body, 'data') as unknown[]).length, 2);
  assert.equal(at(r.body, 'usage.prompt_tokens'), countTokens('alpha beta') + countTokens('gamma'));
  assert.equal(r.headers.get('x-switchyard-usage-estimated'), 'true');
  assert.equal(c.events[0]!.usage_estimated, true);
});

test('a failing embeddings deployment fails over like chat', async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/embeddings`, { model: 'embed-failover', input: 'x', encoding_format: 'float' });
  assert.equal(r.status, 200);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status]),
    [
      ['emb-down', 'error'],
      ['emb-compat', 'ok'],
    ],
  );
});

test('a route without an embeddings provider, and token-array input, are clear 400s', async () => {
  const anthropic = await post(`${c.origin}/v1/embeddings`, { model: 'claude', input: 'x' });
  assert.equal(anthropic.status, 400);
  assert.match(String(at(anthropic.body, 'error.message')), /anthropic has no embeddings/);
  const tokens = await post(`${c.origin}/v1/embeddings`, { model: 'embed', input: [[1, 2, 3]] });
  assert.equal(tokens.status, 400);
  assert.equal(at(tokens.body, 'error.param'), 'input');
});

test('a chat request to an embeddings route is a clear 400, never served and billed without its output', async () => {
  upstream.requests.length = 0;
  const chat = await post(`${c.origin}/v1/chat/completions`, { model: 'embed', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(chat.status, 400);
  assert.match(String(at(chat.body, 'error.message')), /no deployment of route "embed".*model "text-embedding-3-small" is an embedding model/);
  assert.equal(upstream.requests.length, 0, 'nothing sent to the provider');
});

test('offline (the simulator behind the default route) /v1/embeddings works too, never on the Anthropic deployment', async () => {
  const { startCollectorHarness } = await import('../support/collector-harness.ts');
  const h = await startCollectorHarness({ seed: 9, firstChoice: 'anthropic-backup' });
  try {
    const r = await post(`${h.origin}/v1/embeddings`, { model: 'chat', input: ['a', 'b'], encoding_format: 'float' });
    assert.equal(r.status, 200);
    assert.equal((at(r.body, 'data') as unknown[]).length, 2);
    assert.notEqual(h.events[0]!.provider, 'anthropic');
    assert.equal(h.events[0]!.status, 'ok');
  } finally {
    await h.close();
  }
});
