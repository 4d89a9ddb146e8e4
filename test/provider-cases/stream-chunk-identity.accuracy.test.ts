import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { sseData, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Found by a fresh-user trial: with `include_usage`, every chunk carried the provider's id and
// model but the usage chunk the shim writes carried the request id and the route name. OpenAI's
// streams keep one id and one model in every chunk, and clients group chunks by id.

let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string };
    const base = { id: 'chatcmpl-identity', object: 'chat.completion.chunk', created: 1700000123, model: `${body.model}-2024-07-18` };
    sse(res, [
      { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] } },
      { data: { ...base, choices: [{ index: 0, delta: { content: 'Hello there' }, finish_reason: null }] } },
      { data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
      { data: { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } } },
      { data: '[DONE]' },
    ]);
  });
  c = await startCaseCollector([
    {
      name: 'identity',
      deployments: [
        {
          name: 'identity-openai',
          provider: 'openai-compatible',
          base_url: `${upstream.origin}/v1`,
          api_key_env: 'MOCK_KEY',
          model: 'gpt-4o-mini',
          price: { input_per_mtok: '0.15', output_per_mtok: '0.6' },
        },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

test('a streamed answer with include_usage: every chunk, the usage chunk too, has the same id, model and created', async () => {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'identity', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
  });
  assert.equal(r.status, 200);
  type Frame = { id: string; model: string; created: number; usage?: { prompt_tokens: number; completion_tokens: number } };
  const frames = sseData(await r.text()).filter((d): d is Frame => d !== '[DONE]');
  const usageFrames = frames.filter((f) => f.usage);
  assert.equal(usageFrames.length, 1, 'one usage chunk');
  assert.equal(usageFrames[0]!.usage!.prompt_tokens, 9);
  assert.equal(usageFrames[0]!.usage!.completion_tokens, 2);
  assert.ok(frames.length >= 3);
  for (const f of frames)
    assert.deepEqual({ id: f.id, model: f.model, created: f.created }, { id: 'chatcmpl-identity', model: 'gpt-4o-mini-2024-07-18', created: 1700000123 });
});
