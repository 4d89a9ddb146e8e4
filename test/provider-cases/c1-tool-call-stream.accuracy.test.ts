import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicTextFrames, json, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { assembleOpenAI, at, post, sseData, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 1 (shared/provider-cases/1-anthropic-stream-tool-noargs) and its kind: every streamed
// tool call assembles into JSON arguments — empty, split and parallel — on every provider and both faces.

const tool = { type: 'function', function: { name: 'get_current_time', description: 'Current time', parameters: { type: 'object', properties: {} } } };
let anthropic: MockUpstream;
let compat: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 1's mock: tool_use with input {} and one input_json_delta whose partial_json is "".
  anthropic = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    const model = body.model;
    if (!body.stream)
      return json(res, 200, {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'tool_use', id: 'toolu_01ABC', name: 'get_current_time', input: {} }],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 320, output_tokens: 12 },
      });
    sse(res, [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: { id: 'msg_01', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 320, output_tokens: 1 } },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01ABC', name: 'get_current_time', input: {} } },
      },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
  });
  // An OpenAI-compatible host: a parameterless call that streams only its name, then a second
  // call whose arguments arrive split over three frames.
  compat = await startMockUpstream((req, res) => {
    const base = { id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1700000000, model: (req.body as { model: string }).model };
    const frame = (delta: unknown, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] } });
    sse(res, [
      frame({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'get_current_time', arguments: '' } }],
      }),
      frame({ tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }),
      frame({ tool_calls: [{ index: 1, function: { arguments: 'ty": "Pa' } }] }),
      frame({ tool_calls: [{ index: 1, function: { arguments: 'ris"}' } }] }),
      frame({}, 'tool_calls'),
      { data: { ...base, choices: [], usage: { prompt_tokens: 40, completion_tokens: 20, total_tokens: 60 } } },
      { data: '[DONE]' },
    ]);
  });
  c = await startCaseCollector([
    {
      name: 'c1-claude',
      deployments: [{ name: 'c1-anthropic', provider: 'anthropic', base_url: anthropic.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
    {
      name: 'c1-compat',
      deployments: [
        {
          name: 'c1-compat',
          provider: 'openai-compatible',
          base_url: `${compat.origin}/v1`,
          api_key_env: 'MOCK_KEY',
          model: 'llama',
          price: { input_per_mtok: '1', output_per_mtok: '1' },
        },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await anthropic.close();
  await compat.close();
});

test('case 1: a streamed call of a parameterless tool assembles to "{}", like the same call without streaming', async () => {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'c1-claude', stream: true, messages: [{ role: 'user', content: 'What time is it?' }], tools: [tool] }),
  });
  const streamed = assembleOpenAI(await r.text());
  assert.equal(streamed.toolCalls.length, 1);
  assert.equal(streamed.toolCalls[0]!.arguments, '{}');
  assert.deepEqual(JSON.parse(streamed.toolCalls[0]!.arguments), {});
  assert.equal(streamed.toolCalls[0]!.name, 'get_current_time');
  assert.equal(streamed.finish, 'tool_calls');
  assert.equal(streamed.done, true);
  const plain = await post(`${c.origin}/v1/chat/completions`, {
    model: 'c1-claude',
    stream: false,
    messages: [{ role: 'user', content: 'What time is it?' }],
    tools: [tool],
  });
  assert.equal(at(plain.body, 'choices.0.message.tool_calls.0.function.arguments'), '{}');
  assert.equal(at(plain.body, 'choices.0.finish_reason'), 'tool_calls');
});

test('tool-call ids come in the OpenAI face format (call_…) whichever provider minted them, the same streamed or not', async () => {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'c1-claude', stream: true, messages: [{ role: 'user', content: 'What time is it?' }], tools: [tool] }),
  });
  const streamedId = assembleOpenAI(await r.text()).toolCalls[0]!.id;
  const plain = await post(`${c.origin}/v1/chat/completions`, { model: 'c1-claude', messages: [{ role: 'user', content: 'What time is it?' }], tools: [tool] });
  assert.equal(streamedId, 'call_toolu_01ABC');
  assert.equal(at(plain.body, 'choices.0.message.tool_calls.0.id'), streamedId);
});

test('an OpenAI-compatible stream: a call that streams only its name gets "{}", split arguments join in index order', async () => {
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'c1-compat', stream: true, messages: [{ role: 'user', content: 'time and weather' }], tools: [tool] }),
  });
  const streamed = assembleOpenAI(await r.text());
  assert.deepEqual(
    streamed.toolCalls.map((t) => [t.id, t.name, t.arguments]),
    [
      ['call_A', 'get_current_time', '{}'],
      ['call_B', 'get_weather', '{"city": "Paris"}'],
    ],
  );
  assert.equal(streamed.finish, 'tool_calls');
});

test('the Anthropic face gets tool_use blocks with toolu_ ids and complete JSON input, from either provider', async () => {
  const fromAnthropic = await post(`${c.origin}/v1/messages`, {
    model: 'c1-claude',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'What time is it?' }],
    tools: [{ name: 'get_current_time', input_schema: { type: 'object', properties: {} } }],
  });
  assert.deepEqual(at(fromAnthropic.body, 'content'), [{ type: 'tool_use', id: 'toolu_01ABC', name: 'get_current_time', input: {} }]);
  const r = await fetch(`${c.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'c1-compat',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'get_current_time', input_schema: { type: 'object' } }],
    }),
  });
  const blocks: Array<{ id: string; json: string }> = [];
  for (const d of sseData(await r.text()) as Array<{
    type: string;
    content_block?: { type: string; id: string };
    delta?: { type: string; partial_json?: string };
  }>) {
    if (d.type === 'content_block_start' && d.content_block?.type === 'tool_use') blocks.push({ id: d.content_block.id, json: '' });
    if (d.type === 'content_block_delta' && d.delta?.type === 'input_json_delta') blocks[blocks.length - 1]!.json += d.delta.partial_json ?? '';
  }
  assert.deepEqual(blocks, [
    { id: 'toolu_call_A', json: '{}' },
    { id: 'toolu_call_B', json: '{"city": "Paris"}' },
  ]);
});

test('a plain Anthropic text stream is unaffected: no tool-call frames appear', async () => {
  const plainAnthropic = await startMockUpstream((req, res) =>
    sse(res, anthropicTextFrames((req.body as { model: string }).model, 'hello', { input_tokens: 5, output_tokens: 2 })),
  );
  const cc = await startCaseCollector([
    {
      name: 't',
      deployments: [{ name: 'a', provider: 'anthropic', base_url: plainAnthropic.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
  ]);
  try {
    const r = await fetch(`${cc.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 't', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const s = assembleOpenAI(await r.text());
    assert.equal(s.content, 'hello');
    assert.deepEqual(s.toolCalls, []);
  } finally {
    await cc.close();
    await plainAnthropic.close();
  }
});
