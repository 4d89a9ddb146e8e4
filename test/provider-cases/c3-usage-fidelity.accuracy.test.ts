import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { json, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { assembleOpenAI, at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 3 (shared/provider-cases/3-stream-usage-missing) and its kind: a served answer is never
// free — when the provider reports no usage the shim counts it and marks it estimated — and the
// client is never shown numbers the provider did not report.

const words = 'The quick brown fox jumps over the lazy dog. '.repeat(40).split(' ');
const streamedText = words.map((w) => `${w} `).join('');
let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    const base = { id: 'chatcmpl-c3', object: 'chat.completion.chunk', created: 1700000000, model: body.model };
    // Non-streaming: a body with no usage at all (some self-hosted servers).
    if (!body.stream)
      return json(res, 200, {
        id: 'chatcmpl-c3',
        object: 'chat.completion',
        created: 1700000000,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: streamedText }, finish_reason: 'stop' }],
      });
    // Exactly case 3's mock: content, a finish_reason chunk and [DONE], never a usage chunk.
    const frames: Array<{ data: unknown }> = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] } }];
    for (const w of words) frames.push({ data: { ...base, choices: [{ index: 0, delta: { content: `${w} ` }, finish_reason: null }] } });
    frames.push({ data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } });
    frames.push({ data: '[DONE]' });
    sse(res, frames);
  });
  c = await startCaseCollector([
    {
      name: 'c3-selfhosted',
      deployments: [
        {
          name: 'c3-compat',
          provider: 'openai-compatible',
          base_url: `${upstream.origin}/v1`,
          api_key_env: 'MOCK_KEY',
          model: 'llama-3.1-70b',
          price: { input_per_mtok: '10', output_per_mtok: '30' },
        },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

const request = { model: 'c3-selfhosted', messages: [{ role: 'user', content: 'Write the pangram forty times.' }] };

test('case 3: a stream without a usage chunk is stored counted (not free) and marked estimated; the client gets no invented usage', async () => {
  c.events.length = 0;
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
  });
  const s = assembleOpenAI(await r.text());
  assert.equal(s.content, streamedText);
  assert.equal(s.done, true);
  assert.equal(s.usage, null, 'no usage chunk the provider never sent');
  const e = c.events[0]!;
  assert.equal(e.status, 'ok');
  assert.equal(e.usage_estimated, true);
  assert.equal(e.output_tokens, countTokens(streamedText));
  assert.ok(e.input_tokens >= countTokens(request.messages[0]!.content), 'the prompt is counted');
  // $10 / $30 per million input / output tokens.
  const expected = (e.input_tokens * 10 + e.output_tokens * 30) / 1e6;
  assert.ok(Math.abs(Number(e.cost_usd) - expected) < 1e-9, `cost ${e.cost_usd} ≈ ${expected}`);
  assert.ok(Number(e.cost_usd) > 0);
});

test('a non-streamed answer without usage: counted and marked, the client body has no usage and a header saying it was estimated', async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, request);
  assert.equal(r.status, 200);
  assert.equal(at(r.body, 'usage'), undefined);
  assert.equal(r.headers.get('x-switchyard-usage-estimated'), 'true');
  assert.equal(c.events[0]!.usage_estimated, true);
  assert.equal(c.events[0]!.output_tokens, countTokens(streamedText));
});

test("the Anthropic face must state usage: it gets the shim's count, as the event records it", async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/messages`, { ...request, max_tokens: 512 });
  assert.equal(at(r.body, 'usage.output_tokens'), c.events[0]!.output_tokens);
  assert.equal(r.headers.get('x-switchyard-usage-estimated'), 'true');
});
