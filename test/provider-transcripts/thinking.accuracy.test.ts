import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, sse, startMockUpstream, type MockUpstream, type UpstreamRequest } from '../provider-cases/support/mock-upstream.ts';
import { assembleOpenAI, at, post, sseData, startCaseCollector, type CaseCollector } from '../provider-cases/support/case-collector.ts';

// Reasoning across faces and providers, against provider answers written from their public API
// references: Anthropic extended thinking (docs.anthropic.com/en/docs/build-with-claude/extended-thinking),
// OpenAI reasoning (platform.openai.com/docs/guides/reasoning), Gemini thinking
// (ai.google.dev/gemini-api/docs/thinking). `thinking` on the Anthropic face and
// `reasoning_effort` on the OpenAI face are each translated for the deployment, or refused with
// a 400 that names the parameter and the deployments.

const SIGNATURE = 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL';
const REDACTED = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP';
const THOUGHT = 'Let me analyze this step by step. 27 * 453 = 27 * 400 + 27 * 53.';

const anthropicThinkingMessage = (model: string) => ({
  id: 'msg_think',
  type: 'message',
  role: 'assistant',
  model,
  content: [
    { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
    { type: 'redacted_thinking', data: REDACTED },
    { type: 'text', text: '27 * 453 = 12,231' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 48, output_tokens: 140 },
});

const anthropicThinkingFrames = (model: string) =>
  [
    {
      type: 'message_start',
      message: { id: 'msg_think', type: 'message', role: 'assistant', model, content: [], usage: { input_tokens: 48, output_tokens: 1 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me analyze this step by step. ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: '27 * 453 = 27 * 400 + 27 * 53.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: REDACTED } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: '27 * 453 = 12,231' } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 140 } },
    { type: 'message_stop' },
  ].map((data) => ({ event: data.type, data }));

let anthropic: MockUpstream;
let openai: MockUpstream;
let gemini: MockUpstream;
let c: CaseCollector;

before(async () => {
  anthropic = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (body.stream) return sse(res, anthropicThinkingFrames(body.model));
    json(res, 200, anthropicThinkingMessage(body.model));
  });
  openai = await startMockUpstream((req, res) =>
    json(res, 200, {
      id: 'chatcmpl-r',
      object: 'chat.completion',
      created: 1700000000,
      model: (req.body as { model: string }).model,
      choices: [{ index: 0, message: { role: 'assistant', content: '12,231' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 300, total_tokens: 320, completion_tokens_details: { reasoning_tokens: 256 } },
    }),
  );
  gemini = await startMockUpstream((_req, res) =>
    json(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: '12,231' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, thoughtsTokenCount: 900, totalTokenCount: 925 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'g1',
    }),
  );
  const d = (name: string, provider: string, base_url: string, model: string) => ({ name, provider, base_url, api_key_env: 'MOCK_KEY', model });
  c = await startCaseCollector([
    { name: 'claude', deployments: [d('claude-sonnet', 'anthropic', anthropic.origin, 'claude-sonnet-4-20250514')] },
    { name: 'o3', deployments: [d('o3-mini', 'openai', openai.origin, 'o3-mini')] },
    { name: 'flash', deployments: [d('flash', 'gemini', gemini.origin, 'gemini-2.5-flash')] },
    { name: 'plain', deployments: [d('gpt-4o', 'openai', openai.origin, 'gpt-4o'), d('haiku-3-5', 'anthropic', anthropic.origin, 'claude-3-5-haiku-latest')] },
  ]);
});
after(async () => {
  await c.close();
  await Promise.all([anthropic.close(), openai.close(), gemini.close()]);
});

const question = [{ role: 'user', content: 'What is 27 * 453?' }];
const lastBody = (u: MockUpstream): unknown => (u.requests[u.requests.length - 1] as UpstreamRequest).body;

test('Anthropic face → Anthropic: thinking reaches the provider as sent, thinking blocks come back first with their signatures', async () => {
  const r = await post(`${c.origin}/v1/messages`, {
    model: 'claude',
    max_tokens: 4096,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: question,
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(at(lastBody(anthropic), 'thinking'), { type: 'enabled', budget_tokens: 2048 });
  assert.equal(at(lastBody(anthropic), 'max_tokens'), 4096);
  assert.deepEqual(at(r.body, 'content'), [
    { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
    { type: 'redacted_thinking', data: REDACTED },
    { type: 'text', text: '27 * 453 = 12,231' },
  ]);
  assert.equal(at(r.body, 'usage.output_tokens'), 140, 'Anthropic semantics: output_tokens includes thinking');
  const e = c.events[c.events.length - 1]!;
  assert.equal(e.output_tokens + e.reasoning_tokens, 140);
  assert.ok(e.reasoning_tokens > 0, 'the thinking is recorded as reasoning');
});

test('Anthropic face → Anthropic, streaming: thinking_delta, signature_delta (verbatim) and the redacted block, in order, before the text', async () => {
  const r = await post(`${c.origin}/v1/messages`, {
    model: 'claude',
    max_tokens: 4096,
    stream: true,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: question,
  });
  assert.equal(r.status, 200);
  const frames = sseData(r.body as string);
  const starts = frames.filter((f) => at(f, 'type') === 'content_block_start').map((f) => [at(f, 'index'), at(f, 'content_block.type')]);
  assert.deepEqual(starts, [
    [0, 'thinking'],
    [1, 'redacted_thinking'],
    [2, 'text'],
  ]);
  const deltas = frames.filter((f) => at(f, 'type') === 'content_block_delta').map((f) => at(f, 'delta'));
  assert.equal(
    deltas
      .filter((d) => at(d, 'type') === 'thinking_delta')
      .map((d) => at(d, 'thinking'))
      .join(''),
    THOUGHT,
  );
  assert.deepEqual(
    deltas.filter((d) => at(d, 'type') === 'signature_delta'),
    [{ type: 'signature_delta', signature: SIGNATURE }],
  );
  assert.equal(
    at(
      frames.find((f) => at(f, 'content_block.type') === 'redacted_thinking'),
      'content_block.data',
    ),
    REDACTED,
  );
  assert.equal(
    at(
      frames.find((f) => at(f, 'type') === 'message_delta'),
      'usage.output_tokens',
    ),
    140,
  );
});

test('a thinking turn sent back (tool use) reaches Anthropic with its blocks first and signatures intact', async () => {
  const r = await post(`${c.origin}/v1/messages`, {
    model: 'claude',
    max_tokens: 4096,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    tools: [{ name: 'calc', input_schema: { type: 'object', properties: { expr: { type: 'string' } } } }],
    messages: [
      ...question,
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
          { type: 'redacted_thinking', data: REDACTED },
          { type: 'tool_use', id: 'toolu_01', name: 'calc', input: { expr: '27*453' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '12231' }] },
    ],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(at(lastBody(anthropic), 'messages.1.content'), [
    { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
    { type: 'redacted_thinking', data: REDACTED },
    { type: 'tool_use', id: 'toolu_01', name: 'calc', input: { expr: '27*453' } },
  ]);
});

test('Anthropic face → OpenAI reasoning model: budget_tokens becomes reasoning_effort (< 8,192 low, < 24,576 medium, else high); reasoning counts in output_tokens', async () => {
  for (const [budget, effort] of [
    [1024, 'low'],
    [8192, 'medium'],
    [10000, 'medium'],
    [32000, 'high'],
  ] as const) {
    const r = await post(`${c.origin}/v1/messages`, {
      model: 'o3',
      max_tokens: 40000,
      thinking: { type: 'enabled', budget_tokens: budget },
      messages: question,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(at(lastBody(openai), 'reasoning_effort'), effort, `budget ${budget}`);
    assert.equal(at(lastBody(openai), 'thinking'), undefined);
    assert.equal(at(r.body, 'usage.output_tokens'), 300, '44 visible + 256 reasoning');
  }
});

test('Anthropic face → Gemini 2.5: budget_tokens becomes thinkingConfig.thinkingBudget; thoughts count in output_tokens', async () => {
  const r = await post(`${c.origin}/v1/messages`, { model: 'flash', max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 3000 }, messages: question });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(at(lastBody(gemini), 'generationConfig.thinkingConfig'), { thinkingBudget: 3000 });
  assert.equal(at(r.body, 'usage.output_tokens'), 905);
});

test('thinking on a route without a deployment that reasons: 400 in Anthropic shape naming the parameter and each deployment; nothing is called', async () => {
  const before = openai.requests.length + anthropic.requests.length;
  const r = await post(`${c.origin}/v1/messages`, { model: 'plain', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: question });
  assert.equal(r.status, 400);
  assert.equal(at(r.body, 'error.type'), 'invalid_request_error');
  const message = String(at(r.body, 'error.message'));
  assert.match(message, /gpt-4o: model "gpt-4o" does not reason \(thinking/);
  assert.match(message, /haiku-3-5: model "claude-3-5-haiku-latest" does not reason \(thinking/);
  assert.equal(openai.requests.length + anthropic.requests.length, before);
});

test('OpenAI face reasoning_effort → Anthropic: a thinking budget under max_completion_tokens; reasoning_content, thinking_blocks and reasoning_tokens in OpenAI semantics', async () => {
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'claude', reasoning_effort: 'high', max_completion_tokens: 4000, messages: question });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(at(lastBody(anthropic), 'thinking'), { type: 'enabled', budget_tokens: 3999 }, 'high (24,576) fitted under the limit');
  assert.equal(at(lastBody(anthropic), 'max_tokens'), 4000);
  assert.equal(at(r.body, 'choices.0.message.content'), '27 * 453 = 12,231');
  assert.equal(at(r.body, 'choices.0.message.reasoning_content'), THOUGHT);
  assert.deepEqual(at(r.body, 'choices.0.message.thinking_blocks.0'), { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE });
  const reasoning = at(r.body, 'usage.completion_tokens_details.reasoning_tokens') as number;
  assert.ok(reasoning > 0 && reasoning < 140);
  assert.equal(at(r.body, 'usage.completion_tokens'), 140, 'reasoning inside completion_tokens');

  await post(`${c.origin}/v1/chat/completions`, { model: 'claude', reasoning_effort: 'medium', messages: question });
  assert.deepEqual(at(lastBody(anthropic), 'thinking'), { type: 'enabled', budget_tokens: 8192 });
  assert.equal(at(lastBody(anthropic), 'max_tokens'), 8192 + 1024, 'room for the answer on top of the budget');
  await post(`${c.origin}/v1/chat/completions`, { model: 'claude', reasoning_effort: 'minimal', messages: question });
  assert.equal(at(lastBody(anthropic), 'thinking'), undefined, 'minimal: no thinking');
});

test('OpenAI face reasoning_effort → Anthropic, streaming: reasoning_content deltas, then the answer; reasoning_tokens in the usage chunk', async () => {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude', stream: true, stream_options: { include_usage: true }, reasoning_effort: 'low', messages: question }),
  });
  const text = await r.text();
  const s = assembleOpenAI(text);
  assert.equal(s.content, '27 * 453 = 12,231');
  const frames = sseData(text);
  assert.equal(frames.map((f) => at(f, 'choices.0.delta.reasoning_content') ?? '').join(''), THOUGHT);
  assert.deepEqual(
    frames.flatMap((f) => (at(f, 'choices.0.delta.thinking_blocks') as unknown[] | undefined) ?? []),
    [
      { type: 'thinking', thinking: '', signature: SIGNATURE },
      { type: 'redacted_thinking', data: REDACTED },
    ],
  );
  assert.ok((at(s.usage, 'completion_tokens_details.reasoning_tokens') as number) > 0);
  assert.equal(at(s.usage, 'completion_tokens'), 140);
});

test('OpenAI face reasoning_effort → Gemini: thinkingBudget; thoughts as reasoning_tokens', async () => {
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'flash', reasoning_effort: 'medium', messages: question });
  assert.equal(r.status, 200);
  assert.deepEqual(at(lastBody(gemini), 'generationConfig.thinkingConfig'), { thinkingBudget: 8192 });
  assert.equal(at(r.body, 'usage.completion_tokens_details.reasoning_tokens'), 900);
});

test('OpenAI face reasoning_effort on a route whose models do not reason: 400 naming reasoning_effort and the deployments', async () => {
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'plain', reasoning_effort: 'low', messages: question });
  assert.equal(r.status, 400);
  assert.match(String(at(r.body, 'error.message')), /gpt-4o: model "gpt-4o" does not reason \(reasoning_effort/);
});

test('OpenAI face, a tool-use turn with thinking sent back (thinking_blocks, LiteLLM convention) reaches Anthropic signed and first, and never OpenAI', async () => {
  const conversation = (model: string) => ({
    model,
    reasoning_effort: 'low',
    tools: [{ type: 'function', function: { name: 'calc', parameters: { type: 'object' } } }],
    messages: [
      ...question,
      {
        role: 'assistant',
        content: null,
        thinking_blocks: [{ type: 'thinking', thinking: THOUGHT, signature: SIGNATURE }],
        tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'calc', arguments: '{"expr":"27*453"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_01', content: '12231' },
    ],
  });
  const r = await post(`${c.origin}/v1/chat/completions`, conversation('claude'));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(at(lastBody(anthropic), 'messages.1.content'), [
    { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
    { type: 'tool_use', id: 'toolu_01', name: 'calc', input: { expr: '27*453' } },
  ]);
  assert.equal((await post(`${c.origin}/v1/chat/completions`, conversation('o3'))).status, 200);
  assert.equal(at(lastBody(openai), 'messages.1.thinking_blocks'), undefined, 'OpenAI refuses fields it does not know');
  assert.equal(at(lastBody(openai), 'messages.1.tool_calls.0.id'), 'toolu_01');
});

test('OpenAI face reasoning_effort with an output limit too small for any Anthropic thinking: a 400 naming reasoning_effort, never a silent answer without thinking', async () => {
  const before = anthropic.requests.length;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'claude', reasoning_effort: 'low', max_completion_tokens: 800, messages: question });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.match(String(at(r.body, 'error.message')), /reasoning_effort: Anthropic thinks in at least 1024 tokens, and the output limit is 800/);
  assert.equal(anthropic.requests.length, before, 'nothing sent');
});
