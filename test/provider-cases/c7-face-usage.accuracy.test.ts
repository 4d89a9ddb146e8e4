import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessage, anthropicTextFrames, json, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, sseData, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 7 (shared/provider-cases/7-anthropic-endpoint-cache-usage) and its kind: each face reports
// usage in its own semantics — Anthropic's cache fields beside input_tokens, OpenAI's
// cached_tokens inside prompt_tokens and reasoning_tokens inside completion_tokens.

const usage = { input_tokens: 14, cache_read_input_tokens: 2400, cache_creation_input_tokens: 0, output_tokens: 30 };
let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 7's mock.
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (body.stream) return sse(res, anthropicTextFrames(body.model, 'Cached answer.', usage));
    json(res, 200, anthropicMessage(body.model, 'Cached answer.', usage));
  });
  c = await startCaseCollector([
    {
      name: 'c7-claude',
      deployments: [{ name: 'c7-anthropic', provider: 'anthropic', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'claude-sonnet-4-20250514' }],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

const request = { model: 'c7-claude', max_tokens: 64, messages: [{ role: 'user', content: 'Summarise the cached document.' }] };

test('case 7: /v1/messages shows input_tokens 14 and cache_read_input_tokens 2400, plain and streaming', async () => {
  c.events.length = 0;
  const plain = await post(`${c.origin}/v1/messages`, request);
  assert.deepEqual(at(plain.body, 'usage'), {
    input_tokens: 14,
    cache_read_input_tokens: 2400,
    cache_creation_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: 30,
  });
  const r = await fetch(`${c.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true }),
  });
  const frames = sseData(await r.text());
  const start = frames.find((f) => at(f, 'type') === 'message_start');
  const delta = frames.find((f) => at(f, 'type') === 'message_delta');
  assert.equal(at(start, 'message.usage.input_tokens'), 14, 'message_start carries the input counts');
  assert.equal(at(start, 'message.usage.cache_read_input_tokens'), 2400);
  assert.equal(at(start, 'message.model'), 'claude-sonnet-4-20250514', 'the serving model, not the route name');
  assert.deepEqual(at(delta, 'usage'), {
    input_tokens: 14,
    cache_read_input_tokens: 2400,
    cache_creation_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: 30,
  });
  // 14 × $3 + 2,400 × $0.30 + 30 × $15 per million tokens.
  assert.deepEqual(
    c.events.map((e) => Number(e.cost_usd)),
    [0.001212, 0.001212],
  );
});

test('the OpenAI face reports the same answer in OpenAI semantics: cached tokens inside prompt_tokens, with details', async () => {
  const plain = await post(`${c.origin}/v1/chat/completions`, { model: 'c7-claude', messages: request.messages });
  assert.deepEqual(at(plain.body, 'usage'), {
    prompt_tokens: 2414,
    completion_tokens: 30,
    total_tokens: 2444,
    prompt_tokens_details: { cached_tokens: 2400 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'c7-claude', stream: true, stream_options: { include_usage: true }, messages: request.messages }),
  });
  const usageFrame = sseData(await r.text()).find((f) => at(f, 'usage'));
  assert.equal(at(usageFrame, 'usage.prompt_tokens_details.cached_tokens'), 2400);
  assert.equal(at(usageFrame, 'usage.prompt_tokens'), 2414);
});
