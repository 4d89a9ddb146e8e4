import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { adapterFor } from './index.ts';
import { ProviderError, type ChatRequest, type ProviderAdapter, type StreamEvent, type Usage } from './provider.ts';

let sim: Simulator;
before(async () => (sim = await startSimulator({ seed: 11 })));
after(async () => sim.close());

const SECRET = 'sk-adapter-secret-9f8e7d';
const kinds = ['openai', 'anthropic', 'gemini'] as const;
const models = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', gemini: 'gemini-2.0-flash' };
const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'chat', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }], stream: false, max_tokens: 40, ...over });
const target = (kind: (typeof kinds)[number], upstream: string, model = models[kind]) => ({ baseUrl: sim.baseUrl(upstream, kind), apiKey: SECRET, model });
const signal = (ms = 5000) => AbortSignal.timeout(ms);

async function drain(events: AsyncIterable<StreamEvent>): Promise<{ text: string; usage: Usage | null; finish: string | null }> {
  let text = '';
  let usage: Usage | null = null;
  let finish: string | null = null;
  for await (const e of events) {
    if (e.type === 'usage') usage = e.usage;
    else {
      text += e.chunk.choices[0]?.delta.content ?? '';
      finish = e.chunk.choices[0]?.finish_reason ?? finish;
    }
  }
  return { text, usage, finish };
}

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
      const { completion, usage } = await adapter.complete(request({ messages: [{ role: 'user', content: long }] }), target(kind, `${kind}-u`, model), signal());
      const text = completion.choices[0]!.message.content!;
      const words = text.split(' ').length;
      assert.ok(usage.cachedInputTokens > 0, 'long prompt reports a cache hit');
      assert.ok(usage.inputTokens > 0);
      assert.equal(usage.outputTokens, words, 'visible output excludes reasoning');
      assert.equal(usage.reasoningTokens, kind === 'anthropic' ? 0 : 2 * words);
      assert.equal(completion.usage.prompt_tokens, usage.inputTokens + usage.cachedInputTokens);
      assert.equal(completion.usage.completion_tokens, usage.outputTokens + usage.reasoningTokens);
      assert.ok(['stop', 'length'].includes(completion.choices[0]!.finish_reason!));
    });

    test('streams the same text it would complete, ending with usage', async () => {
      const events = await adapter.stream(request({ stream: true }), target(kind, `${kind}-s`), signal());
      const { text, usage, finish } = await drain(events);
      assert.ok(text.length > 10);
      assert.equal(usage!.outputTokens, text.split(' ').length);
      assert.ok(finish === 'stop' || finish === 'length');
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
