import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tracer } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import type { Clock } from '../../core/clock.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import { parseRoutesConfig } from '../config/routes-config.ts';
import { resolvePriceSheet } from '../pricing/price-sheet.ts';
import { ProviderError, type ChatRequest, type CompletionResult, type ProviderAdapter } from '../providers/provider.ts';
import { RoutingWeights } from '../routing/routing-weights.ts';
import { ChatService } from './chat-service.ts';
import { DispatchError } from './dispatch-error.ts';
import { Dispatcher } from './dispatcher.ts';
import type { Route } from './route-table.ts';

type Behaviour = 'ok' | ProviderError | 'hang';

/** A provider double whose answers are scripted per call. */
function scriptedAdapter(script: Behaviour[]): ProviderAdapter & { calls: number } {
  const adapter = {
    kind: 'openai' as const,
    calls: 0,
    async complete(_request: ChatRequest, target: { model: string }, signal: AbortSignal): Promise<CompletionResult> {
      const behaviour = script[Math.min(adapter.calls++, script.length - 1)]!;
      if (behaviour === 'hang') {
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
      if (behaviour instanceof ProviderError) throw behaviour;
      return {
        completion: {
          id: 'c',
          object: 'chat.completion',
          created: 0,
          model: target.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        },
        usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
        providerFields: {},
      };
    },
    async stream(): Promise<never> {
      throw new Error('not used');
    },
  };
  return adapter;
}

function setup(
  scripts: Record<string, Behaviour[]>,
  retry: Record<string, number> = {},
  tracer?: Tracer,
  resilience: { retry_budget?: object; circuit_breaker?: object } = {},
  clock?: Clock,
) {
  const names = Object.keys(scripts);
  const config = parseRoutesConfig({
    routes: [
      {
        name: 'chat',
        deployments: names.map((name) => ({ name, provider: 'openai', base_url: 'http://127.0.0.1:1', api_key_env: 'K', model: 'gpt-4o-mini' })),
      },
    ],
    retry: { base_delay_ms: 1, max_delay_ms: 5, ...retry },
    ...resilience,
  });
  const adapters = Object.fromEntries(names.map((n) => [n, scriptedAdapter(scripts[n]!)]));
  const route: Route = {
    config: config.routes[0]!,
    deployments: config.routes[0]!.deployments.map((d) => ({
      config: d,
      adapter: adapters[d.name]!,
      target: { baseUrl: d.base_url, apiKey: 'sk-secret-never-logged', model: d.model },
      price: resolvePriceSheet(d),
    })),
  };
  const events: AttemptEvent[] = [];
  const publisher: AttemptPublisher = { publish: (e) => void events.push(e), flush: async () => {}, close: async () => {}, dropped: 0 };
  const weights = new RoutingWeights();
  // Deterministic order: first deployment in config first.
  const circuitChanges: string[] = [];
  const dispatcher = new Dispatcher({
    routes: new Map([['chat', route]]),
    weights,
    retry: config.retry,
    retryBudget: config.retry_budget,
    circuitBreaker: config.circuit_breaker,
    onCircuitChange: (d, state) => circuitChanges.push(`${d}:${state}`),
    publisher,
    random: () => 0,
    tracer,
    clock,
  });
  return { chat: new ChatService(dispatcher), events, adapters, weights, dispatcher, circuitChanges };
}

const request: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: 'hello' }], stream: false };
const ctx = () => ({
  requestId: crypto.randomUUID(),
  tags: { team: 't', project: '', feature: '', user: '', api_key_id: '', environment: '', extra: {} },
  signal: new AbortController().signal,
});

test('a 429 then a 500 fail over to the next deployments; one event per attempt, linked by request', async () => {
  const { chat, events } = setup({ a: [new ProviderError('rate_limited', 'slow down', 429, 1000)], b: [new ProviderError('server', 'boom', 500)], c: ['ok'] });
  const c = ctx();
  const completion = await chat.complete(request, c);
  assert.equal(completion.choices[0]!.message.content, 'hi');
  assert.deepEqual(
    events.map((e) => [e.deployment, e.status, e.http_status, e.fallback_reason, e.is_final]),
    [
      ['a', 'rate_limited', 429, 'none', false],
      ['b', 'error', 500, 'rate_limited', false],
      ['c', 'ok', 200, 'server_error', true],
    ],
  );
  assert.deepEqual(
    events.map((e) => e.attempt_no),
    [1, 2, 3],
  );
  assert.ok(events.every((e) => e.request_id === c.requestId));
  assert.equal(new Set(events.map((e) => e.attempt_id)).size, 3);
  assert.equal(events[2]!.cost_usd, '0.000004500000');
  assert.equal(events[0]!.cost_usd, '0.000000000000');
});

test('a client error (400) is not retried and reaches the caller as a 400', async () => {
  const { chat, events, adapters } = setup({ a: [new ProviderError('invalid_request', 'max_tokens is too large', 400)], b: ['ok'] });
  await assert.rejects(chat.complete(request, ctx()), (err: DispatchError) => err.httpStatus === 400 && /max_tokens is too large/.test(err.message));
  assert.equal(adapters.b!.calls, 0);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.is_final, true);
});

test("the provider rejecting our key is a 502 that does not blame the caller's key", async () => {
  const { chat } = setup({ a: [new ProviderError('auth', 'Incorrect API key provided: sk-secret-never-logged', 401)] });
  await assert.rejects(chat.complete(request, ctx()), (err: DispatchError) => err.httpStatus === 502 && !err.message.includes('sk-'));
});

test('all attempts failing is a 503 naming each attempt, without secrets', async () => {
  const { chat, events } = setup({ a: [new ProviderError('server', 'x', 503)], b: [new ProviderError('network', 'ECONNRESET')] }, { max_attempts: 3 });
  await assert.rejects(chat.complete(request, ctx()), (err: DispatchError) => {
    assert.equal(err.httpStatus, 503);
    assert.equal(err.message, 'all 3 attempts failed: a: server (HTTP 503); b: network; a: server (HTTP 503)');
    assert.ok(!err.message.includes('sk-secret'));
    return true;
  });
  assert.deepEqual(
    events.map((e) => e.is_final),
    [false, false, true],
  );
});

test('a hung provider times out per attempt and the request fails over', async () => {
  const { chat, events } = setup({ a: ['hang'], b: ['ok'] }, { attempt_timeout_ms: 100 });
  await chat.complete(request, ctx());
  assert.deepEqual(
    events.map((e) => [e.deployment, e.status, e.error_class]),
    [
      ['a', 'timeout', 'timeout'],
      ['b', 'ok', null],
    ],
  );
  assert.ok(events[0]!.latency_ms >= 90);
});

test('a client that goes away cancels the attempt and records it as cancelled', async () => {
  const { chat, events } = setup({ a: ['hang'], b: ['ok'] });
  const controller = new AbortController();
  const c = { ...ctx(), signal: controller.signal };
  setTimeout(() => controller.abort(), 30);
  await assert.rejects(chat.complete(request, c), (err: DispatchError) => err.httpStatus === 499);
  assert.deepEqual(
    events.map((e) => [e.deployment, e.status, e.is_final]),
    [['a', 'cancelled', true]],
  );
});

test('policy weights steer the first choice; weight 0 is only a last resort', async () => {
  const { chat, events, weights } = setup({ a: ['ok'], b: ['ok'] });
  weights.replace(
    new Map([
      [
        'chat',
        new Map([
          ['a', 0],
          ['b', 1],
        ]),
      ],
    ]),
    0,
  );
  for (let i = 0; i < 5; i++) await chat.complete(request, ctx());
  assert.deepEqual(new Set(events.map((e) => e.deployment)), new Set(['b']));
});

test('an unknown model is a 404 in OpenAI terms, with no attempt made', async () => {
  const { chat, events } = setup({ a: ['ok'] });
  await assert.rejects(chat.complete({ ...request, model: 'gpt-17' }, ctx()), (err: DispatchError) => err.httpStatus === 404 && err.code === 'model_not_found');
  assert.equal(events.length, 0);
});

test('spans: one per request and one per attempt, with GenAI semantic-convention attributes and no secrets', async () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  const { chat } = setup({ a: [new ProviderError('rate_limited', 'slow down', 429)], b: ['ok'] }, {}, provider.getTracer('test'));
  await chat.complete(request, ctx());
  const spans = exporter.getFinishedSpans();
  const attempts = spans.filter((s) => s.attributes['switchyard.attempt_no'] !== undefined);
  const root = spans.find((s) => s.attributes['switchyard.request_id'] !== undefined)!;
  assert.equal(attempts.length, 2);
  assert.ok(
    attempts.every((s) => s.parentSpanContext?.spanId === root.spanContext().spanId),
    'attempts are children of the request span',
  );
  assert.equal(root.attributes['gen_ai.operation.name'], 'chat');
  assert.equal(root.attributes['gen_ai.request.model'], 'chat');
  const [failed, ok] = attempts;
  assert.equal(failed!.attributes['error.type'], 'rate_limited');
  assert.equal(ok!.attributes['gen_ai.provider.name'], 'openai');
  assert.equal(ok!.attributes['gen_ai.request.model'], 'gpt-4o-mini');
  assert.equal(ok!.attributes['gen_ai.response.model'], 'gpt-4o-mini');
  assert.equal(ok!.attributes['gen_ai.usage.input_tokens'], 10);
  assert.equal(ok!.attributes['gen_ai.usage.output_tokens'], 5);
  assert.ok(!JSON.stringify(spans.map((s) => s.attributes)).includes('sk-secret'), 'no key in spans');
  await provider.shutdown();
});

const breakerConfig = { circuit_breaker: { failure_threshold: 0.5, window_ms: 1000, minimum_rps: 0.001, half_open_after_ms: 150 } };

test('a failing deployment trips its circuit: it is skipped without a call until it cools down, then one probe closes it', async () => {
  // The breaker runs on the dispatcher's clock: the cool-down passes by moving it, not by sleeping.
  let now = Date.now();
  const { chat, events, adapters, dispatcher, circuitChanges } = setup(
    { a: [new ProviderError('server', 'x', 500), 'ok'], b: ['ok'] },
    {},
    undefined,
    breakerConfig,
    { now: () => now },
  );
  for (let i = 0; i < 3; i++) await chat.complete(request, ctx());
  assert.equal(dispatcher.circuitState('chat', 'a'), 'open');
  const callsWhileOpen = adapters.a!.calls;
  events.length = 0;
  for (let i = 0; i < 5; i++) await chat.complete(request, ctx());
  assert.equal(adapters.a!.calls, callsWhileOpen, 'no calls to an open circuit');
  assert.deepEqual(
    events.map((e) => [e.deployment, e.attempt_no, e.fallback_reason]),
    Array(5).fill(['b', 1, 'none']),
    'traffic goes straight to the healthy deployment',
  );
  now += 200;
  await chat.complete(request, ctx());
  assert.equal(adapters.a!.calls, callsWhileOpen + 1, 'one probe after the cool-down');
  assert.equal(dispatcher.circuitState('chat', 'a'), 'closed');
  assert.deepEqual(circuitChanges, ['chat/a:open', 'chat/a:half_open', 'chat/a:closed']);
});

test('a deployment whose half-open probe another request holds refuses with a 503, not a 500 of ours', async () => {
  let now = Date.now();
  const fail = new ProviderError('server', 'x', 500);
  const { chat, events, adapters, dispatcher } = setup({ a: [fail, 'hang'] }, { max_attempts: 1 }, undefined, breakerConfig, {
    now: () => now,
  });
  while (dispatcher.circuitState('chat', 'a') !== 'open') await assert.rejects(chat.complete(request, ctx()));
  assert.equal(adapters.a!.calls, 1, 'one failure opens the circuit');
  now += 200;
  // The first request after the cool-down takes the one probe and hangs on it.
  const prober = new AbortController();
  const probing = chat.complete(request, { ...ctx(), signal: prober.signal });
  await new Promise((r) => setImmediate(r));
  assert.equal(adapters.a!.calls, 2, 'the probe reached the provider');
  events.length = 0;
  await assert.rejects(chat.complete(request, ctx()), (err: DispatchError) => err.httpStatus === 503 && err.code === 'circuit_open');
  assert.equal(adapters.a!.calls, 2, 'no second call while the probe is out');
  assert.deepEqual(
    events.map((e) => [e.status, e.error_class, e.is_final]),
    [['rejected', 'circuit_open', true]],
  );
  prober.abort();
  await assert.rejects(probing);
});

test('429s do not trip the circuit: a rate-limited deployment is still healthy', async () => {
  const { chat, dispatcher } = setup({ a: [new ProviderError('rate_limited', 'slow', 429)], b: ['ok'] }, {}, undefined, breakerConfig);
  for (let i = 0; i < 6; i++) await chat.complete(request, ctx());
  assert.equal(dispatcher.circuitState('chat', 'a'), 'closed');
});

test('when every circuit is open the request is rejected at once with a 503, recorded as rejected', async () => {
  const { chat, events, adapters } = setup(
    { a: [new ProviderError('server', 'x', 500)], b: [new ProviderError('server', 'x', 502)] },
    { max_attempts: 2 },
    undefined,
    breakerConfig,
  );
  for (let i = 0; i < 3; i++) await assert.rejects(chat.complete(request, ctx()));
  const calls = adapters.a!.calls + adapters.b!.calls;
  events.length = 0;
  await assert.rejects(
    chat.complete(request, ctx()),
    (err: DispatchError) => err.httpStatus === 503 && err.code === 'circuit_open' && /cooling down/.test(err.message),
  );
  assert.equal(adapters.a!.calls + adapters.b!.calls, calls, 'no provider was called');
  assert.deepEqual(
    events.map((e) => [e.status, e.error_class, e.is_final, e.cost_usd]),
    [['rejected', 'circuit_open', true, '0.000000000000']],
  );
});

test('the retry budget stops retries beyond its share of traffic: no retry storm during an outage', async () => {
  const budget = {
    retry_budget: { ratio: 0.1, min_per_window: 2, window_ms: 10_000 },
    circuit_breaker: { failure_threshold: 0.99, window_ms: 1000, minimum_rps: 1000, half_open_after_ms: 1000 },
  };
  const { chat, events } = setup({ a: [new ProviderError('server', 'x', 503)], b: ['ok'] }, { max_attempts: 3 }, undefined, budget);
  const outcomes: string[] = [];
  for (let i = 0; i < 10; i++) {
    await chat.complete(request, ctx()).then(
      () => outcomes.push('ok'),
      (err: DispatchError) => outcomes.push(err.code ?? 'error'),
    );
  }
  assert.deepEqual(outcomes.slice(0, 2), ['ok', 'ok'], 'the floor of two retries lets the first failovers through');
  assert.deepEqual(outcomes.slice(2), Array(8).fill('retry_budget_exhausted'));
  assert.equal(events.filter((e) => e.attempt_no > 1).length, 2, 'only two retries in all');
});
