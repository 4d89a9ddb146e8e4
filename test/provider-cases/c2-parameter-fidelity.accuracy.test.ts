import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMessage, json, openaiCompletion, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 2 (shared/provider-cases/2-max-completion-tokens-o-series) and its kind: each parameter
// reaches each provider under the name it accepts, or the request gets a clear 400 — never an
// answer that silently ignored it.

let openai: MockUpstream;
let compat: MockUpstream;
let anthropic: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 2's mock: o3-mini refuses any max_tokens.
  openai = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; max_tokens?: number; n?: number; logprobs?: boolean };
    if (body.max_tokens !== undefined) {
      return json(res, 400, {
        error: {
          message: "Unsupported parameter: 'max_tokens'; this model takes 'max_completion_tokens'.",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      });
    }
    const answer = openaiCompletion(body.model, 'agua', {
      prompt_tokens: 20,
      completion_tokens: 70,
      total_tokens: 90,
      completion_tokens_details: { reasoning_tokens: 64 },
    }) as { choices: Array<Record<string, unknown>> };
    if (body.n === 2) answer.choices.push({ index: 1, message: { role: 'assistant', content: 'el agua' }, finish_reason: 'stop' });
    if (body.logprobs) answer.choices[0]!['logprobs'] = { content: [{ token: 'agua', logprob: -0.01, bytes: [97, 103, 117, 97], top_logprobs: [] }] };
    json(res, 200, answer);
  });
  compat = await startMockUpstream((req, res) => json(res, 200, openaiCompletion((req.body as { model: string }).model, 'ok')));
  anthropic = await startMockUpstream((req, res) => json(res, 200, anthropicMessage((req.body as { model: string }).model, 'ok')));
  c = await startCaseCollector([
    {
      name: 'c2-reasoner',
      deployments: [{ name: 'c2-openai-o3mini', provider: 'openai', base_url: openai.origin, api_key_env: 'MOCK_KEY', model: 'o3-mini' }],
    },
    {
      name: 'compat',
      deployments: [
        {
          name: 'compat',
          provider: 'openai-compatible',
          base_url: `${compat.origin}/v1`,
          api_key_env: 'MOCK_KEY',
          model: 'llama',
          price: { input_per_mtok: '1', output_per_mtok: '1' },
        },
      ],
    },
    {
      name: 'claude',
      deployments: [{ name: 'claude', provider: 'anthropic', base_url: anthropic.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' }],
    },
    {
      name: 'mixed',
      strategy: 'priority',
      deployments: [
        { name: 'mixed-claude', provider: 'anthropic', base_url: anthropic.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' },
        { name: 'mixed-openai', provider: 'openai', base_url: openai.origin, api_key_env: 'MOCK_KEY', model: 'o3-mini' },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await Promise.all([openai.close(), compat.close(), anthropic.close()]);
});

test('case 2: max_completion_tokens reaches an OpenAI reasoning model under that name, and the client gets the answer', async () => {
  openai.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, {
    model: 'c2-reasoner',
    messages: [{ role: 'user', content: 'water in spanish?' }],
    max_completion_tokens: 1000,
  });
  assert.equal(r.status, 200);
  assert.equal(at(r.body, 'choices.0.message.content'), 'agua');
  assert.deepEqual(
    openai.requests.map((q) => [at(q.body, 'max_completion_tokens'), at(q.body, 'max_tokens')]),
    [[1000, undefined]],
  );
  assert.equal(at(r.body, 'usage.completion_tokens_details.reasoning_tokens'), 64, 'reasoning tokens reach the client in OpenAI semantics');
});

test('a client that says max_tokens is translated the same way for OpenAI; compatible hosts keep max_tokens', async () => {
  openai.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'c2-reasoner', messages: [{ role: 'user', content: 'x' }], max_tokens: 300 });
  assert.equal(r.status, 200);
  assert.equal(at(openai.requests[0]!.body, 'max_completion_tokens'), 300);
  await post(`${c.origin}/v1/chat/completions`, { model: 'compat', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 200 });
  assert.deepEqual([at(compat.requests[0]!.body, 'max_tokens'), at(compat.requests[0]!.body, 'max_completion_tokens')], [200, undefined]);
});

test('n > 1 and logprobs reach OpenAI and come back; a route that cannot honour them answers 400 naming why', async () => {
  const two = await post(`${c.origin}/v1/chat/completions`, { model: 'c2-reasoner', messages: [{ role: 'user', content: 'x' }], n: 2, logprobs: true });
  assert.equal(two.status, 200);
  assert.deepEqual(
    (at(two.body, 'choices') as unknown[]).map((ch) => at(ch, 'message.content')),
    ['agua', 'el agua'],
  );
  assert.equal(at(two.body, 'choices.0.logprobs.content.0.token'), 'agua');
  for (const extra of [{ n: 2 }, { logprobs: true }, { seed: 7 }]) {
    const refused = await post(`${c.origin}/v1/chat/completions`, { model: 'claude', messages: [{ role: 'user', content: 'x' }], ...extra });
    assert.equal(refused.status, 400, JSON.stringify(extra));
    assert.match(String(at(refused.body, 'error.message')), /anthropic cannot honour (n > 1|logprobs|seed)/);
  }
  assert.equal(anthropic.requests.length, 0, 'nothing reached the provider that would have ignored it');
});

test('on a mixed route the parameter decides the deployment: n > 1 skips Anthropic and is served by OpenAI', async () => {
  anthropic.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'mixed', messages: [{ role: 'user', content: 'x' }], n: 2 });
  assert.equal(r.status, 200);
  assert.equal((at(r.body, 'choices') as unknown[]).length, 2);
  assert.equal(anthropic.requests.length, 0);
});

test('parameters no route can honour (logit_bias, audio, functions…) are refused by name', async () => {
  for (const [name, value] of [
    ['logit_bias', { '50256': -100 }],
    ['functions', [{ name: 'f' }]],
    ['audio', { voice: 'alloy', format: 'wav' }],
  ] as const) {
    const r = await post(`${c.origin}/v1/chat/completions`, { model: 'c2-reasoner', messages: [{ role: 'user', content: 'x' }], [name]: value });
    assert.equal(r.status, 400);
    assert.equal(at(r.body, 'error.param'), name);
    assert.match(String(at(r.body, 'error.message')), /not supported through Switchyard/);
  }
});

test('Anthropic face: thinking on a model that does not reason, and top_k, are refused with a 400 naming them, in Anthropic error shape', async () => {
  for (const extra of [{ thinking: { type: 'enabled', budget_tokens: 2048 } }, { top_k: 5 }]) {
    const r = await post(`${c.origin}/v1/messages`, { model: 'claude', max_tokens: 4096, messages: [{ role: 'user', content: 'x' }], ...extra });
    assert.equal(r.status, 400);
    assert.equal(at(r.body, 'type'), 'error');
    assert.equal(at(r.body, 'error.type'), 'invalid_request_error');
    assert.match(String(at(r.body, 'error.message')), new RegExp(Object.keys(extra)[0]!));
  }
});

test('parallel_tool_calls: false reaches Anthropic as disable_parallel_tool_use', async () => {
  anthropic.requests.length = 0;
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
  await post(`${c.origin}/v1/chat/completions`, { model: 'claude', messages: [{ role: 'user', content: 'x' }], tools, parallel_tool_calls: false });
  assert.deepEqual(at(anthropic.requests[0]!.body, 'tool_choice'), { type: 'auto', disable_parallel_tool_use: true });
});

test('temperature above 1 never reaches Anthropic (its range ends at 1): a clear 400, not a silent clamp; the caller id becomes metadata.user_id', async () => {
  anthropic.requests.length = 0;
  const hot = await post(`${c.origin}/v1/chat/completions`, { model: 'claude', temperature: 1.5, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(hot.status, 400);
  assert.match(String(at(hot.body, 'error.message')), /anthropic cannot honour temperature above 1/);
  const mixed = await post(`${c.origin}/v1/chat/completions`, { model: 'mixed', temperature: 1.5, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(mixed.status, 200, 'a route with an OpenAI deployment serves it there');
  await post(`${c.origin}/v1/chat/completions`, { model: 'claude', temperature: 0.7, user: 'user-42', messages: [{ role: 'user', content: 'x' }] });
  assert.deepEqual([at(anthropic.requests[0]!.body, 'temperature'), at(anthropic.requests[0]!.body, 'metadata.user_id')], [0.7, 'user-42']);
});

test('Anthropic face: disable_parallel_tool_use is translated (OpenAI parallel_tool_calls: false); mcp_servers and container are refused by name', async () => {
  openai.requests.length = 0;
  const tools = [{ name: 'f', input_schema: { type: 'object' } }];
  await post(`${c.origin}/v1/messages`, {
    model: 'c2-reasoner',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'x' }],
    tools,
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  });
  assert.equal(at(openai.requests[openai.requests.length - 1]!.body, 'parallel_tool_calls'), false);
  for (const name of ['mcp_servers', 'container']) {
    const r = await post(`${c.origin}/v1/messages`, {
      model: 'claude',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'x' }],
      [name]: name === 'container' ? 'c_1' : [],
    });
    assert.equal(r.status, 400);
    assert.match(String(at(r.body, 'error.message')), new RegExp(name));
  }
});

test('nothing is dropped without a word: an unknown Messages field and a non-default service tier are refused by name, on both faces', async () => {
  anthropic.requests.length = 0;
  for (const [extra, name] of [
    [{ output_format: { type: 'json_schema' } }, 'output_format'],
    [{ service_tier: 'standard_only' }, 'service_tier'],
  ] as const) {
    const r = await post(`${c.origin}/v1/messages`, { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'x' }], ...extra });
    assert.equal(r.status, 400, name);
    assert.equal(at(r.body, 'error.type'), 'invalid_request_error');
    assert.match(String(at(r.body, 'error.message')), new RegExp(name));
  }
  assert.equal(anthropic.requests.length, 0);
  const flex = await post(`${c.origin}/v1/chat/completions`, { model: 'c2-reasoner', service_tier: 'flex', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(flex.status, 400);
  assert.equal(at(flex.body, 'error.param'), 'service_tier');
  const auto = await post(`${c.origin}/v1/chat/completions`, { model: 'c2-reasoner', service_tier: 'auto', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(auto.status, 200, 'the default tier is fine');
  const plain = await post(`${c.origin}/v1/messages`, {
    model: 'claude',
    max_tokens: 64,
    service_tier: 'auto',
    metadata: { user_id: 'u1' },
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(plain.status, 200);
});
