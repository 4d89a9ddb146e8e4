import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { adapterFor } from './index.ts';
import { ProviderError, type ChatRequest, type ProviderAdapter, type StreamEvent, type ToolDefinition, type Usage } from './provider.ts';

let sim: Simulator;
before(async () => (sim = await startSimulator({ seed: 11 })));
after(async () => sim.close());

const SECRET = 'sk-adapter-secret-9f8e7d';
const kinds = ['openai', 'anthropic', 'gemini'] as const;
const models = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', gemini: 'gemini-2.0-flash' };
const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'chat',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello' },
  ],
  stream: false,
  max_tokens: 40,
  ...over,
});
const target = (kind: (typeof kinds)[number], upstream: string, model = models[kind]) => ({ baseUrl: sim.baseUrl(upstream, kind), apiKey: SECRET, model });
const signal = (ms = 5000) => AbortSignal.timeout(ms);

interface Drained {
  text: string;
  usage: Usage | null;
  finish: string | null;
  fields: Record<string, string>;
  /** Tool calls reassembled from their streamed pieces. */
  calls: Array<{ id: string; name: string; arguments: string }>;
}

async function drain(events: AsyncIterable<StreamEvent>): Promise<Drained> {
  const out: Drained = { text: '', usage: null, finish: null, fields: {}, calls: [] };
  for await (const e of events) {
    if (e.type === 'usage') out.usage = e.usage;
    else if (e.type === 'provider_fields') out.fields = e.fields;
    else {
      const choice = e.chunk.choices[0];
      out.text += choice?.delta.content ?? '';
      out.finish = choice?.finish_reason ?? out.finish;
      for (const d of choice?.delta.tool_calls ?? []) {
        const call = (out.calls[d.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= d.id ?? '';
        call.name ||= d.function.name ?? '';
        call.arguments += d.function.arguments ?? '';
      }
    }
  }
  return out;
}

const weatherTool: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const expectedFields = { openai: 'system_fingerprint', anthropic: 'stop_reason', gemini: 'safety_ratings' } as const;

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected ProviderError, got ${String(err)}`);
    assert.ok(!err.message.includes(SECRET), 'no key in errors');
    return err;
  }
  throw new Error('expected a rejection');
}

for (const kind of kinds) {
  describe(`${kind} adapter`, () => {
    const adapter: ProviderAdapter = adapterFor(kind);

    test('completes, with usage buckets that add up to what the provider billed', async () => {
      const long = 'lorem ipsum '.repeat(800);
      const model = kind === 'openai' ? 'o3-mini' : kind === 'gemini' ? 'gemini-2.5-flash' : models.anthropic;
      const { completion, usage } = await adapter.complete(
        request({ messages: [{ role: 'user', content: long }] }),
        target(kind, `${kind}-u`, model),
        signal(),
      );
      const text = completion.choices[0]!.message.content!;
      const words = text.split(' ').length;
      assert.ok(usage.cachedInputTokens > 0, 'long prompt reports a cache hit');
      assert.ok(usage.inputTokens > 0);
      assert.equal(usage.outputTokens, words, 'visible output excludes reasoning');
      assert.equal(usage.reasoningTokens, kind === 'anthropic' ? 0 : 2 * words);
      assert.equal(completion.usage!.prompt_tokens, usage.inputTokens + usage.cachedInputTokens);
      assert.equal(completion.usage!.completion_tokens, usage.outputTokens + usage.reasoningTokens);
      assert.ok(['stop', 'length'].includes(completion.choices[0]!.finish_reason!));
    });

    test('streams the same text it would complete, ending with usage', async () => {
      const events = await adapter.stream(request({ stream: true }), target(kind, `${kind}-s`), signal());
      const { text, usage, finish } = await drain(events);
      assert.ok(text.length > 10);
      assert.equal(usage!.outputTokens, text.split(' ').length);
      assert.ok(finish === 'stop' || finish === 'length');
    });

    test("tools: the model's call comes back as a canonical tool call with JSON arguments", async () => {
      const ask = request({ messages: [{ role: 'user', content: 'use get_weather for Paris' }], tools: [weatherTool], tool_choice: 'auto' });
      const { completion } = await adapter.complete(ask, target(kind, `${kind}-tools`), signal());
      const choice = completion.choices[0]!;
      assert.equal(choice.finish_reason, 'tool_calls');
      assert.equal(choice.message.tool_calls?.length, 1);
      const call = choice.message.tool_calls![0]!;
      assert.equal(call.function.name, 'get_weather');
      assert.ok(call.id.length > 0);
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'sample city', days: 1 });

      const streamed = await drain(await adapter.stream({ ...ask, stream: true }, target(kind, `${kind}-tools-s`), signal()));
      assert.equal(streamed.finish, 'tool_calls');
      assert.equal(streamed.calls.length, 1);
      assert.equal(streamed.calls[0]!.name, 'get_weather');
      assert.deepEqual(JSON.parse(streamed.calls[0]!.arguments), { city: 'sample city', days: 1 });
    });

    test('tools: a tool result in the conversation is translated back and answered in text', async () => {
      const history = request({
        tools: [weatherTool],
        tool_choice: 'required',
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":21}' },
        ],
      });
      const { completion } = await adapter.complete(history, target(kind, `${kind}-tool-result`), signal());
      assert.notEqual(completion.choices[0]!.finish_reason, 'tool_calls');
      assert.ok((completion.choices[0]!.message.content ?? '').length > 0);
    });

    test('JSON mode: the answer parses as JSON', async () => {
      const { completion } = await adapter.complete(request({ response_format: { type: 'json_object' } }), target(kind, `${kind}-json`), signal());
      const parsed = JSON.parse(completion.choices[0]!.message.content!) as { answer: string };
      assert.ok(parsed.answer.length > 0);
    });

    test('image parts reach the provider and are counted as prompt tokens', async () => {
      const text = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }] }] });
      const image = request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: PIXEL } },
            ],
          },
        ],
      });
      const a = await adapter.complete(text, target(kind, `${kind}-img`), signal());
      const b = await adapter.complete(image, target(kind, `${kind}-img`), signal());
      assert.equal(b.completion.usage!.prompt_tokens - a.completion.usage!.prompt_tokens, 85);
    });

    test('provider-specific fields are kept, non-streaming and streaming', async () => {
      const { providerFields } = await adapter.complete(request(), target(kind, `${kind}-fields`), signal());
      assert.ok(providerFields[expectedFields[kind]], `${expectedFields[kind]} in ${JSON.stringify(providerFields)}`);
      const streamed = await drain(await adapter.stream(request({ stream: true }), target(kind, `${kind}-fields-s`), signal()));
      assert.ok(streamed.fields[expectedFields[kind]], `${expectedFields[kind]} in ${JSON.stringify(streamed.fields)}`);
    });

    test('max_tokens truncation is finish_reason length', async () => {
      const { completion } = await adapter.complete(request({ max_tokens: 3 }), target(kind, `${kind}-len`), signal());
      assert.equal(completion.choices[0]!.finish_reason, 'length');
    });

    test('errors are classified: 429 with Retry-After, 5xx, 4xx, timeout, network', async () => {
      sim.setFaults(`${kind}-429`, { errorRates: { '429': 1 }, retryAfterSeconds: 3 });
      const limited = await rejection(adapter.complete(request(), target(kind, `${kind}-429`), signal()));
      assert.deepEqual([limited.kind, limited.httpStatus, limited.retryAfterMs, limited.retryable], ['rate_limited', 429, 3000, true]);

      sim.setFaults(`${kind}-500`, { errorRates: { '500': 1 } });
      const server = await rejection(adapter.complete(request(), target(kind, `${kind}-500`), signal()));
      assert.deepEqual([server.kind, server.httpStatus], ['server', 500]);

      sim.setFaults(`${kind}-400`, { errorRates: { '400': 1 } });
      const client = await rejection(adapter.complete(request(), target(kind, `${kind}-400`), signal()));
      assert.deepEqual([client.kind, client.retryable], ['invalid_request', false]);

      sim.setFaults(`${kind}-hang`, { hangRate: 1 });
      const timeout = await rejection(adapter.complete(request(), target(kind, `${kind}-hang`), signal(150)));
      assert.equal(timeout.kind, 'timeout');

      sim.setFaults(`${kind}-reset`, { down: true, downMode: 'reset' });
      const network = await rejection(adapter.complete(request(), target(kind, `${kind}-reset`), signal()));
      assert.equal(network.kind, 'network');
    });

    test('a stream cut mid-answer fails loudly instead of ending cleanly', async () => {
      sim.setFaults(`${kind}-cut`, { streamCutAfterChunks: 4 });
      const events = await adapter.stream(request({ stream: true }), target(kind, `${kind}-cut`), signal());
      const err = await rejection(drain(events));
      assert.equal(err.kind, 'network');
    });

    test('a client abort is not mistaken for a provider failure', async () => {
      sim.setFaults(`${kind}-abort`, { hangRate: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(adapter.complete(request(), target(kind, `${kind}-abort`), controller.signal), (err: Error) => !(err instanceof ProviderError));
    });
  });
}

test('anthropic: cache writes are their own bucket, never folded into uncached input', async () => {
  const long = 'lorem ipsum '.repeat(800);
  const ask = request({ messages: [{ role: 'user', content: long }] });
  const plain = await adapterFor('anthropic').complete(ask, target('anthropic', 'anthropic-cache'), signal());
  assert.equal(plain.usage.cacheWriteTokens, 0);
  // A cache breakpoint (as clients send through the Anthropic entry point) makes the provider write the cache.
  const marked = request({ messages: [{ role: 'user', content: [{ type: 'text', text: long, cache_control: { type: 'ephemeral' } }] }] });
  const written = await adapterFor('anthropic').complete(marked, target('anthropic', 'anthropic-cache'), signal());
  assert.equal(written.usage.cachedInputTokens, plain.usage.cachedInputTokens);
  assert.ok(written.usage.cacheWriteTokens > 0);
  const billedPrompt = written.usage.inputTokens + written.usage.cachedInputTokens + written.usage.cacheWriteTokens;
  assert.equal(billedPrompt, written.completion.usage!.prompt_tokens, 'the three input buckets add up to the prompt, none counted twice');
});

test('anthropic: a 1-hour breakpoint comes back as 1-hour writes, split from the 5-minute ones, streamed or not', async () => {
  const long = 'lorem ipsum '.repeat(800);
  const content = (ttl?: '1h') => [{ type: 'text' as const, text: long, cache_control: { type: 'ephemeral' as const, ...(ttl ? { ttl } : {}) } }];
  const hour = await adapterFor('anthropic').complete(
    request({ messages: [{ role: 'user', content: content('1h') }] }),
    target('anthropic', 'anthropic-ttl'),
    signal(),
  );
  assert.ok(hour.usage.cacheWriteTokens > 0);
  assert.equal(hour.usage.cacheWrite1hTokens, hour.usage.cacheWriteTokens);
  const minutes = await adapterFor('anthropic').complete(
    request({ messages: [{ role: 'user', content: content() }] }),
    target('anthropic', 'anthropic-ttl'),
    signal(),
  );
  assert.equal(minutes.usage.cacheWrite1hTokens, undefined);
  const streamed = await drain(
    await adapterFor('anthropic').stream(
      request({ stream: true, messages: [{ role: 'user', content: content('1h') }] }),
      target('anthropic', 'anthropic-ttl-s'),
      signal(),
    ),
  );
  assert.equal(streamed.usage!.cacheWrite1hTokens, streamed.usage!.cacheWriteTokens);
});
