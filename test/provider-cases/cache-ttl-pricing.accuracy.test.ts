import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessage, anthropicTextFrames, json, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, sseData, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Prompt-cache fidelity, the price half: a reply that wrote 1,000 tokens to the cache for five
// minutes and 3,000 for an hour is billed each at its TTL's rate, through both faces, streamed
// or not. Claude 3.5 Haiku (catalog): input 0.80, 5m write 1.00, 1h write 1.60, output 4.00 USD/Mtok.

const usage = {
  input_tokens: 12,
  cache_creation_input_tokens: 4000,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 3000 },
  output_tokens: 20,
};
// 12 × 0.8 + 1,000 × 1 + 3,000 × 1.6 + 20 × 4 = 5,889.6 µ$
const EXPECTED_COST = '0.005889600000';

let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (!body.stream) return json(res, 200, { ...(anthropicMessage(body.model, 'Summary.') as object), usage });
    const frames = anthropicTextFrames(body.model, 'Summary.', { input_tokens: 12, output_tokens: 20 });
    // message_start carries the full input usage, with its TTL split, as the streaming reference shows it.
    const start = frames[0]!.data as { message: { usage: unknown } };
    start.message.usage = { ...usage, output_tokens: 1 };
    sse(res, frames);
  });
  c = await startCaseCollector([
    {
      name: 'ttl',
      deployments: [{ name: 'ttl-anthropic', provider: 'anthropic', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

const document = [
  { type: 'text', text: 'A long reference document.', cache_control: { type: 'ephemeral', ttl: '1h' } },
  { type: 'text', text: 'Summarise it.' },
];

async function send(face: 'messages' | 'chat', stream: boolean): Promise<unknown> {
  const body =
    face === 'messages'
      ? { model: 'ttl', max_tokens: 64, stream, messages: [{ role: 'user', content: document }] }
      : { model: 'ttl', stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: document }] };
  const r = await post(`${c.origin}/v1/${face === 'messages' ? 'messages' : 'chat/completions'}`, body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

for (const face of ['messages', 'chat'] as const) {
  for (const stream of [false, true]) {
    test(`${face === 'messages' ? '/v1/messages' : '/v1/chat/completions'}${stream ? ' streaming' : ''}: each cache write at its TTL's rate, exactly ${EXPECTED_COST} USD`, async () => {
      c.events.length = 0;
      const body = await send(face, stream);
      assert.equal(c.events.length, 1);
      const e = c.events[0]!;
      assert.equal(e.cost_usd, EXPECTED_COST);
      assert.equal(e.cache_write_tokens, 4000);
      assert.deepEqual(e.cost_by_bucket, {
        input: '0.000009600000',
        cached_input: '0.000000000000',
        cache_write: '0.005800000000',
        output: '0.000080000000',
        reasoning: '0.000000000000',
        cache_write_1h: '0.004800000000',
      });
      assert.equal(e.pricing?.cache_write_1h_per_mtok, '1.600000000');
      assert.equal(e.provider_fields['cache_write_1h_tokens'], '3000');
      if (face === 'messages') {
        const u = stream
          ? at(
              sseData(body as string).find((f) => at(f, 'type') === 'message_delta'),
              'usage',
            )
          : at(body, 'usage');
        assert.deepEqual(at(u, 'cache_creation'), { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 3000 }, 'the client sees the split too');
      } else {
        const u = stream
          ? at(
              sseData(body as string).find((f) => at(f, 'usage')),
              'usage',
            )
          : at(body, 'usage');
        assert.equal(at(u, 'prompt_tokens'), 4012, 'OpenAI semantics: cache writes are prompt tokens');
      }
    });
  }
}
