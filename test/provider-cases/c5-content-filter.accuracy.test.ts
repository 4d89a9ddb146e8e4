import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, openaiCompletion, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { assembleOpenAI, at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 5 (shared/provider-cases/5-gemini-stream-prompt-blocked) and its kind: a safety block is
// classified the same streamed or not, on every provider; a content-filter result fails over only
// on routes that opt in.

const blocked = {
  promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
  usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
  modelVersion: 'gemini-2.0-flash',
  responseId: 'resp-c5',
};
let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 5's mock: Gemini blocks the prompt (200, no candidates); the OpenAI fallback answers anything.
  upstream = await startMockUpstream((req, res) => {
    if (req.url.includes(':streamGenerateContent')) return sse(res, [{ data: blocked }]);
    if (req.url.includes(':generateContent')) return json(res, 200, blocked);
    const body = req.body as { model: string; stream?: boolean };
    if (body.model === 'refuser') {
      // An OpenAI-format deployment whose filter ends the answer: finish_reason content_filter, no content.
      const base = { id: 'chatcmpl-f', object: 'chat.completion.chunk', created: 1700000000, model: body.model };
      if (!body.stream)
        return json(res, 200, {
          ...openaiCompletion(body.model, ''),
          choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }],
        });
      return sse(res, [
        { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: 'content_filter' }] } },
        { data: { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 } } },
        { data: '[DONE]' },
      ]);
    }
    if (body.stream) {
      const base = { id: 'chatcmpl-c5', object: 'chat.completion.chunk', created: 1700000000, model: body.model };
      return sse(res, [
        { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'FALLBACK ANSWERED THE BLOCKED PROMPT' }, finish_reason: 'stop' }] } },
        { data: { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 } } },
        { data: '[DONE]' },
      ]);
    }
    json(res, 200, openaiCompletion(body.model, 'FALLBACK ANSWERED THE BLOCKED PROMPT'));
  });
  const deployments = [
    { name: 'c5-gemini', provider: 'gemini', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'gemini-2.0-flash' },
    { name: 'c5-openai-fallback', provider: 'openai', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' },
  ];
  c = await startCaseCollector([
    { name: 'c5-safety', strategy: 'priority', deployments },
    { name: 'c5-opt-in', strategy: 'priority', content_filter_failover: true, deployments: deployments.map((d) => ({ ...d, name: `${d.name}-opt` })) },
    {
      name: 'refusing',
      deployments: [
        {
          name: 'refuser',
          provider: 'openai',
          base_url: upstream.origin,
          api_key_env: 'MOCK_KEY',
          model: 'refuser',
          price: { input_per_mtok: '1', output_per_mtok: '1' },
        },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

const prompt = [{ role: 'user', content: "<a prompt the provider's safety filter blocks>" }];
const fallbackCalls = () => upstream.requests.filter((r) => r.url.includes('/chat/completions')).length;

async function streamOf(model: string) {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: prompt }),
  });
  return { status: r.status, ...assembleOpenAI(await r.text()) };
}

test('case 5: a Gemini prompt block is content_filter streamed and not, and the prompt never reaches the fallback', async () => {
  upstream.requests.length = 0;
  c.events.length = 0;
  const plain = await post(`${c.origin}/v1/chat/completions`, { model: 'c5-safety', messages: prompt });
  const streamed = await streamOf('c5-safety');
  assert.equal(at(plain.body, 'choices.0.finish_reason'), 'content_filter');
  assert.deepEqual([streamed.status, streamed.finish, streamed.content, streamed.done], [200, 'content_filter', '', true]);
  assert.equal(fallbackCalls(), 0);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.error_class, e.finish_reason, e.provider_fields['block_reason']]),
    [
      ['c5-gemini', 'ok', null, 'content_filter', 'PROHIBITED_CONTENT'],
      ['c5-gemini', 'ok', null, 'content_filter', 'PROHIBITED_CONTENT'],
    ],
  );
  assert.deepEqual(
    c.events.map((e) => e.input_tokens),
    [9, 9],
    'the blocked prompt is billed as Gemini reported it',
  );
});

test('the Anthropic face gets stop_reason refusal for the same block', async () => {
  const r = await post(`${c.origin}/v1/messages`, { model: 'c5-safety', max_tokens: 64, messages: prompt });
  assert.equal(at(r.body, 'stop_reason'), 'refusal');
});

test('an OpenAI-format content_filter finish is the same outcome streamed and not', async () => {
  const plain = await post(`${c.origin}/v1/chat/completions`, { model: 'refusing', messages: prompt });
  const streamed = await streamOf('refusing');
  assert.deepEqual([at(plain.body, 'choices.0.finish_reason'), streamed.finish], ['content_filter', 'content_filter']);
});

test('a route that opts in (content_filter_failover) sends the blocked request on, recorded with its own fallback reason', async () => {
  upstream.requests.length = 0;
  c.events.length = 0;
  const plain = await post(`${c.origin}/v1/chat/completions`, { model: 'c5-opt-in', messages: prompt });
  const streamed = await streamOf('c5-opt-in');
  assert.equal(at(plain.body, 'choices.0.message.content'), 'FALLBACK ANSWERED THE BLOCKED PROMPT');
  assert.equal(streamed.content, 'FALLBACK ANSWERED THE BLOCKED PROMPT');
  assert.equal(fallbackCalls(), 2);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.error_class, e.fallback_reason]),
    [
      ['c5-gemini-opt', 'error', 'content_filter', 'none'],
      ['c5-openai-fallback-opt', 'ok', null, 'content_filter'],
      ['c5-gemini-opt', 'error', 'content_filter', 'none'],
      ['c5-openai-fallback-opt', 'ok', null, 'content_filter'],
    ],
  );
});
