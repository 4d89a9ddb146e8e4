import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessage, json, openaiCompletion, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 6 (shared/provider-cases/6-anthropic-system-cache-control) and its kind: cache breakpoints
// on system, tools and messages — and their TTL — reach the provider, through both faces.

const system = 'You are a support assistant for ACME. '.repeat(300);
let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 6's mock: with a breakpoint anywhere in the body the prefix is written to the cache.
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string };
    const hasBreakpoint = JSON.stringify(body).includes('cache_control');
    json(
      res,
      200,
      anthropicMessage(
        body.model,
        'pong',
        hasBreakpoint
          ? { input_tokens: 6, cache_creation_input_tokens: 2100, cache_read_input_tokens: 0, output_tokens: 3 }
          : { input_tokens: 2106, output_tokens: 3 },
      ),
    );
  });
  c = await startCaseCollector([
    {
      name: 'c6-claude',
      deployments: [{ name: 'c6-anthropic', provider: 'anthropic', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

test('case 6: cache_control on the system prompt reaches Anthropic as a system block, through /v1/messages and /v1/chat/completions', async () => {
  upstream.requests.length = 0;
  c.events.length = 0;
  await post(`${c.origin}/v1/messages`, {
    model: 'c6-claude',
    max_tokens: 32,
    system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'Say pong.' }],
  });
  await post(`${c.origin}/v1/chat/completions`, {
    model: 'c6-claude',
    max_tokens: 32,
    messages: [
      { role: 'system', content: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: 'Say pong.' },
    ],
  });
  for (const r of upstream.requests) assert.deepEqual(at(r.body, 'system'), [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }]);
  assert.deepEqual(
    c.events.map((e) => [e.input_tokens, e.cache_write_tokens]),
    [
      [6, 2100],
      [6, 2100],
    ],
    'the cache write is recorded as such',
  );
});

test('a system prompt without breakpoints stays a plain string', async () => {
  upstream.requests.length = 0;
  await post(`${c.origin}/v1/chat/completions`, {
    model: 'c6-claude',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ],
  });
  assert.equal(at(upstream.requests[0]!.body, 'system'), 'be brief');
});

test('breakpoints on tools and on message blocks, with a 1-hour TTL, reach Anthropic where the client put them', async () => {
  upstream.requests.length = 0;
  await post(`${c.origin}/v1/messages`, {
    model: 'c6-claude',
    max_tokens: 32,
    tools: [{ name: 'lookup', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'long document', cache_control: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'question' },
        ],
      },
    ],
  });
  const body = upstream.requests[0]!.body;
  assert.deepEqual(at(body, 'tools.0.cache_control'), { type: 'ephemeral', ttl: '1h' });
  assert.deepEqual(at(body, 'messages.0.content'), [
    { type: 'text', text: 'long document', cache_control: { type: 'ephemeral', ttl: '1h' } },
    { type: 'text', text: 'question' },
  ]);
});

test('tool breakpoints are not sent to OpenAI-format providers, which cache on their own', async () => {
  const openai = await startMockUpstream((_req, res) =>
    json(res, 200, {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
  const cc = await startCaseCollector([
    { name: 'o', deployments: [{ name: 'o', provider: 'openai', base_url: openai.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' }] },
  ]);
  try {
    await post(`${cc.origin}/v1/messages`, {
      model: 'o',
      max_tokens: 8,
      tools: [{ name: 'lookup', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(JSON.stringify(at(openai.requests[0]!.body, 'tools')).includes('cache_control'), false);
  } finally {
    await cc.close();
    await openai.close();
  }
});

test('breakpoints on an assistant turn and a tool result reach Anthropic; none reach OpenAI, which would refuse the field', async () => {
  upstream.requests.length = 0;
  await post(`${c.origin}/v1/messages`, {
    model: 'c6-claude',
    max_tokens: 32,
    messages: [
      { role: 'user', content: 'look it up' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.', cache_control: { type: 'ephemeral' } },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a long result', cache_control: { type: 'ephemeral' } }] },
    ],
    tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
  });
  const messages = at(upstream.requests[0]!.body, 'messages');
  assert.deepEqual(at(messages, '1.content.0'), { type: 'text', text: 'Looking.', cache_control: { type: 'ephemeral' } });
  assert.deepEqual(at(messages, '2.content.0'), {
    type: 'tool_result',
    tool_use_id: 'toolu_1',
    content: 'a long result',
    cache_control: { type: 'ephemeral' },
  });
  const openai = await startMockUpstream((_req, res) =>
    json(res, 200, {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
  const cc = await startCaseCollector([
    { name: 'o', deployments: [{ name: 'o', provider: 'openai', base_url: openai.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' }] },
  ]);
  try {
    await post(`${cc.origin}/v1/chat/completions`, {
      model: 'o',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'x' },
      ],
    });
    assert.equal(JSON.stringify(openai.requests[0]!.body).includes('cache_control'), false);
    assert.deepEqual(at(openai.requests[0]!.body, 'messages.0.content'), [{ type: 'text', text: 'sys' }]);
  } finally {
    await cc.close();
    await openai.close();
  }
});

test('OpenAI face: a breakpoint on a tool, with its 1-hour TTL, reaches Anthropic (LiteLLM convention) instead of being dropped', async () => {
  upstream.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, {
    model: 'c6-claude',
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'long document', cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const body = upstream.requests[0]!.body;
  assert.deepEqual(at(body, 'tools.0.cache_control'), { type: 'ephemeral', ttl: '1h' });
  assert.deepEqual(at(body, 'messages.0.content.0.cache_control'), { type: 'ephemeral', ttl: '1h' });
});

test("OpenAI's own cache hints (prompt_cache_key, prompt_cache_retention) reach OpenAI; a compatible host and Anthropic are not sent fields they would refuse", async () => {
  const openai = await startMockUpstream((req, res) => json(res, 200, openaiCompletion((req.body as { model: string }).model, 'ok')));
  const cc = await startCaseCollector([
    { name: 'o', deployments: [{ name: 'o', provider: 'openai', base_url: openai.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' }] },
    {
      name: 'compat',
      deployments: [
        {
          name: 'compat',
          provider: 'openai-compatible',
          base_url: openai.origin,
          api_key_env: 'MOCK_KEY',
          model: 'llama',
          price: { input_per_mtok: '1', output_per_mtok: '1' },
        },
      ],
    },
    {
      name: 'claude',
      deployments: [{ name: 'claude', provider: 'anthropic', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
  ]);
  try {
    const hints = { prompt_cache_key: 'tenant-42', prompt_cache_retention: '24h' };
    for (const model of ['o', 'compat', 'claude']) {
      const r = await post(`${cc.origin}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'x' }], ...hints });
      assert.equal(r.status, 200, model);
    }
    assert.deepEqual([at(openai.requests[0]!.body, 'prompt_cache_key'), at(openai.requests[0]!.body, 'prompt_cache_retention')], ['tenant-42', '24h']);
    assert.equal(at(openai.requests[1]!.body, 'prompt_cache_key'), undefined, 'compatible host');
    assert.equal(JSON.stringify(upstream.requests[upstream.requests.length - 1]!.body).includes('tenant-42'), false, 'Anthropic');
  } finally {
    await cc.close();
    await openai.close();
  }
});
