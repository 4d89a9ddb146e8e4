import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { json, openaiCompletion, sse, startMockUpstream, type UpstreamRequest } from './support/mock-upstream.ts';
import { assembleOpenAI, at, post, sseData, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// The handed kinds, tried on the combinations the cases did not cover: each provider, each face,
// streamed and not. A primary deployment answers as the provider would (from its API reference)
// and an OpenAI fallback answers "FALLBACK", so each test sees what the client got and which
// attempts were made, with which error class.

type Provider = 'openai' | 'openai-compatible' | 'anthropic' | 'gemini';
const models: Record<Provider, string> = {
  openai: 'gpt-4o',
  'openai-compatible': 'llama',
  anthropic: 'claude-sonnet-4-20250514',
  gemini: 'gemini-2.5-flash',
};

async function withRoute(
  provider: Provider,
  answer: (req: UpstreamRequest, res: ServerResponse) => void,
  run: (c: CaseCollector) => Promise<void>,
): Promise<void> {
  const primary = await startMockUpstream(answer);
  const fallback = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (!body.stream) return json(res, 200, openaiCompletion(body.model, 'FALLBACK', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }));
    const base = { id: 'f', object: 'chat.completion.chunk', created: 1, model: body.model };
    sse(res, [
      { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'FALLBACK' }, finish_reason: 'stop' }] } },
      { data: { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } },
      { data: '[DONE]' },
    ]);
  });
  const c = await startCaseCollector([
    {
      name: 'r',
      strategy: 'priority',
      deployments: [
        {
          name: 'primary',
          provider,
          base_url: provider === 'openai-compatible' ? `${primary.origin}/v1` : primary.origin,
          api_key_env: 'MOCK_KEY',
          model: models[provider],
          ...(provider === 'openai-compatible' ? { price: { input_per_mtok: '1', output_per_mtok: '1' } } : {}),
        },
        { name: 'fallback', provider: 'openai', base_url: fallback.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' },
      ],
    },
  ]);
  try {
    await run(c);
  } finally {
    await c.close();
    await Promise.all([primary.close(), fallback.close()]);
  }
}

const question = [{ role: 'user', content: 'hi' }];
const faces = [
  ['/v1/chat/completions', false],
  ['/v1/chat/completions', true],
  ['/v1/messages', false],
  ['/v1/messages', true],
] as const;
const send = (c: CaseCollector, path: string, stream: boolean, extra: Record<string, unknown> = {}) =>
  post(`${c.origin}${path}`, {
    model: 'r',
    messages: question,
    ...(path === '/v1/messages' ? { max_tokens: 100 } : {}),
    ...(stream ? { stream: true } : {}),
    ...extra,
  });
const attempts = (c: CaseCollector) => c.events.map((e) => [e.deployment, e.error_class, e.fallback_reason]);

/** The same unparseable answer a provider could give, as a whole body and as a stream frame. */
const garbled: Record<Provider, { body: unknown; frame: unknown }> = {
  openai: { body: { id: 'x', object: 'chat.completion', note: 'no choices' }, frame: { id: 'x', choices: 'none' } },
  'openai-compatible': { body: { id: 'x' }, frame: { choices: 7 } },
  anthropic: { body: { id: 'msg', type: 'message' }, frame: { type: 'message_start', message: 7 } },
  gemini: { body: { candidates: 'none' }, frame: { candidates: 5 } },
};

for (const provider of Object.keys(models) as Provider[]) {
  test(`one error boundary, ${provider}: an unparseable answer is invalid_response (never network) and fails over, streamed or not, through both faces`, async () => {
    const { body, frame } = garbled[provider];
    await withRoute(
      provider,
      (req, res) => {
        const streamed = (req.body as { stream?: boolean }).stream === true || req.url.includes('stream');
        if (streamed) sse(res, [{ data: frame }]);
        else json(res, 200, body);
      },
      async (c) => {
        for (const [path, stream] of faces) {
          c.events.length = 0;
          const r = await send(c, path, stream);
          assert.equal(r.status, 200, `${path} stream=${stream}: ${JSON.stringify(r.body)}`);
          assert.ok(JSON.stringify(r.body).includes('FALLBACK'), 'the fallback answered');
          assert.deepEqual(attempts(c), [
            ['primary', 'invalid_response', 'none'],
            ['fallback', null, 'invalid_response'],
          ]);
        }
      },
    );
  });
}

test('stream outcome classification, Gemini: an error object mid-stream is the same class as the same error over HTTP (overloaded, not network)', async () => {
  const error = { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } };
  await withRoute(
    'gemini',
    (req, res) => (req.url.includes('stream') ? sse(res, [{ data: error }]) : json(res, 503, error)),
    async (c) => {
      for (const [path, stream] of faces) {
        c.events.length = 0;
        const r = await send(c, path, stream);
        assert.equal(r.status, 200);
        assert.deepEqual(attempts(c)[0], ['primary', 'overloaded', 'none'], `${path} stream=${stream}`);
      }
    },
  );
});

test('rate-limit propagation, Gemini: a 429 mid-stream carries its RetryInfo delay like the HTTP answer does', async () => {
  const error = {
    error: {
      code: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36s' }],
    },
  };
  const primary = await startMockUpstream((_req, res) => sse(res, [{ data: error }]));
  const c = await startCaseCollector([
    { name: 'g', deployments: [{ name: 'g', provider: 'gemini', base_url: primary.origin, api_key_env: 'MOCK_KEY', model: 'gemini-2.5-flash' }] },
  ]);
  try {
    const r = await post(`${c.origin}/v1/messages`, { model: 'g', max_tokens: 10, stream: true, messages: question });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '36');
    assert.equal(at(r.body, 'error.type'), 'rate_limit_error');
    assert.equal(primary.requests.length, 1);
  } finally {
    await c.close();
    await primary.close();
  }
});

test("deployment-specific failover: Anthropic's other context wording (input length and max_tokens exceed context limit) fails over, both faces", async () => {
  await withRoute(
    'anthropic',
    (_req, res) =>
      json(res, 400, {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'input length and `max_tokens` exceed context limit: 197064 + 21333 > 200000, decrease input length or `max_tokens` and try again',
        },
      }),
    async (c) => {
      for (const [path, stream] of faces) {
        c.events.length = 0;
        const r = await send(c, path, stream);
        assert.equal(r.status, 200);
        assert.deepEqual(attempts(c), [
          ['primary', 'context_length', 'none'],
          ['fallback', null, 'context_length'],
        ]);
      }
    },
  );
});

test('tool-call stream translation: parallel calls a host streams interleaved reach the Anthropic face as whole, valid tool_use blocks', async () => {
  const f = (delta: object, finish: string | null = null) => ({
    data: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  await withRoute(
    'openai-compatible',
    (_req, res) =>
      sse(res, [
        f({ role: 'assistant', tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'a', arguments: '{"x"' } }] }),
        f({ tool_calls: [{ index: 1, id: 'c1', type: 'function', function: { name: 'b', arguments: '{"y"' } }] }),
        f({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        f({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
        f({}, 'tool_calls'),
        { data: '[DONE]' },
      ]),
    async (c) => {
      const tools = [
        { name: 'a', input_schema: { type: 'object' } },
        { name: 'b', input_schema: { type: 'object' } },
      ];
      const r = await send(c, '/v1/messages', true, { tools });
      const frames = sseData(r.body as string);
      const blocks = new Map<number, { name: unknown; json: string }>();
      for (const fr of frames) {
        if (at(fr, 'type') === 'content_block_start') blocks.set(at(fr, 'index') as number, { name: at(fr, 'content_block.name'), json: '' });
        if (at(fr, 'delta.type') === 'input_json_delta') blocks.get(at(fr, 'index') as number)!.json += String(at(fr, 'delta.partial_json'));
      }
      assert.deepEqual(
        [...blocks.values()].map((b) => [b.name, JSON.parse(b.json) as unknown]),
        [
          ['a', { x: 1 }],
          ['b', { y: 2 }],
        ],
      );
      // The OpenAI face keeps the interleaving, which OpenAI clients assemble by index.
      const o = await send(c, '/v1/chat/completions', true, {
        tools: tools.map((t) => ({ type: 'function', function: { name: t.name, parameters: t.input_schema } })),
      });
      assert.deepEqual(
        assembleOpenAI(o.body as string).toolCalls.map((t) => [t.name, t.arguments]),
        [
          ['a', '{"x":1}'],
          ['b', '{"y":2}'],
        ],
      );
    },
  );
});

test('stream outcome classification, Gemini: MALFORMED_FUNCTION_CALL is no answer — invalid_response and failover, the same in both modes and faces', async () => {
  const answer = { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL' }], usageMetadata: { promptTokenCount: 5 } };
  await withRoute(
    'gemini',
    (req, res) => (req.url.includes('stream') ? sse(res, [{ data: answer }]) : json(res, 200, answer)),
    async (c) => {
      for (const [path, stream] of faces) {
        c.events.length = 0;
        const r = await send(c, path, stream);
        assert.ok(JSON.stringify(r.body).includes('FALLBACK'), `${path} stream=${stream}`);
        assert.deepEqual(attempts(c), [
          ['primary', 'invalid_response', 'none'],
          ['fallback', null, 'invalid_response'],
        ]);
      }
    },
  );
});

test('parameter fidelity: parallel_tool_calls false keeps a request off Gemini (which cannot forbid parallel calls) — served elsewhere, or a 400 naming it', async () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
  await withRoute(
    'gemini',
    (_req, res) => json(res, 500, {}),
    async (c) => {
      const r = await send(c, '/v1/chat/completions', false, { tools, parallel_tool_calls: false });
      assert.equal(r.status, 200);
      assert.deepEqual(attempts(c), [['fallback', null, 'none']], 'Gemini never called');
    },
  );
  const gemini = await startMockUpstream((_req, res) => json(res, 500, {}));
  const c = await startCaseCollector([
    { name: 'g', deployments: [{ name: 'only-gemini', provider: 'gemini', base_url: gemini.origin, api_key_env: 'MOCK_KEY', model: 'gemini-2.5-flash' }] },
  ]);
  try {
    const r = await post(`${c.origin}/v1/messages`, {
      model: 'g',
      max_tokens: 10,
      messages: question,
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    assert.equal(r.status, 400);
    assert.match(String(at(r.body, 'error.message')), /only-gemini: gemini cannot honour parallel_tool_calls: false/);
    assert.equal(gemini.requests.length, 0);
  } finally {
    await c.close();
    await gemini.close();
  }
});

for (const provider of Object.keys(models) as Provider[]) {
  test(`one error boundary, ${provider}: a bug of ours in the adapter is internal_error (500, no failover), never blamed on the provider`, async () => {
    await withRoute(
      provider,
      (_req, res) => json(res, 200, {}),
      async (c) => {
        const deployment = c.routes.get('r')!.deployments[0]!;
        deployment.adapter = {
          kind: deployment.adapter.kind,
          complete: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'choices')")),
          stream: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'delta')")),
        };
        for (const [path, stream] of faces) {
          c.events.length = 0;
          const r = await send(c, path, stream);
          assert.equal(r.status, 500, `${path} stream=${stream}`);
          assert.deepEqual(attempts(c), [['primary', 'internal_error', 'none']]);
        }
      },
    );
  });
}

test('usage fidelity, Groq: a stream that reports usage in x_groq.usage is billed from it, not estimated', async () => {
  const frame = (extra: object) => ({ data: { id: 'g', object: 'chat.completion.chunk', created: 1, model: 'llama', ...extra } });
  await withRoute(
    'openai-compatible',
    (_req, res) =>
      sse(res, [
        frame({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] }),
        frame({
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          x_groq: { id: 'req_1', usage: { prompt_tokens: 24, completion_tokens: 7, total_tokens: 31 } },
        }),
        { data: '[DONE]' },
      ]),
    async (c) => {
      const r = await send(c, '/v1/chat/completions', true, { stream_options: { include_usage: true } });
      assert.equal(at(assembleOpenAI(r.body as string).usage, 'prompt_tokens'), 24);
      const e = c.events[0]!;
      assert.deepEqual([e.input_tokens, e.output_tokens, e.usage_estimated], [24, 7, undefined]);
    },
  );
});

test('content filter, OpenAI refusal: kept as message.refusal on the OpenAI face, a refusal stop with its words on the Anthropic face, streamed or not', async () => {
  const words = "I'm sorry, I can't help with that.";
  await withRoute(
    'openai',
    (req, res) => {
      const body = req.body as { model: string; stream?: boolean };
      if (!body.stream)
        return json(res, 200, {
          id: 'r',
          object: 'chat.completion',
          created: 1,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: words }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 },
        });
      const base = { id: 'r', object: 'chat.completion.chunk', created: 1, model: body.model };
      sse(res, [
        { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: "I'm sorry, " }, finish_reason: null }] } },
        { data: { ...base, choices: [{ index: 0, delta: { refusal: "I can't help with that." }, finish_reason: null }] } },
        { data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
        { data: { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 } } },
        { data: '[DONE]' },
      ]);
    },
    async (c) => {
      const plain = await send(c, '/v1/chat/completions', false);
      assert.deepEqual([at(plain.body, 'choices.0.message.refusal'), at(plain.body, 'choices.0.message.content')], [words, null]);
      const streamed = sseData((await send(c, '/v1/chat/completions', true)).body as string);
      assert.equal(streamed.map((f) => at(f, 'choices.0.delta.refusal') ?? '').join(''), words);
      const message = await send(c, '/v1/messages', false);
      assert.deepEqual([at(message.body, 'stop_reason'), at(message.body, 'content.0.text')], ['refusal', words]);
      const frames = sseData((await send(c, '/v1/messages', true)).body as string);
      assert.equal(
        at(
          frames.find((f) => at(f, 'type') === 'message_delta'),
          'delta.stop_reason',
        ),
        'refusal',
      );
      assert.equal(frames.map((f) => at(f, 'delta.text') ?? '').join(''), words);
    },
  );
});
