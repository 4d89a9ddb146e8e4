import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import { createBudgets } from '../budget/budget-gate.ts';
import { parseRoutesConfig, type VirtualKeyConfig } from '../config/routes-config.ts';
import { applyKeyLimits } from '../http/key-policy.ts';
import { resolvePriceSheet } from '../pricing/price-sheet.ts';
import { ProviderError, type ChatRequest, type CompletionResult, type ProviderAdapter } from '../providers/provider.ts';
import { RoutingWeights } from '../routing/routing-weights.ts';
import { ChatService } from './chat-service.ts';
import { DispatchError } from './dispatch-error.ts';
import { Dispatcher } from './dispatcher.ts';
import type { Route } from './route-table.ts';

// The caller's request object is never written to: dispatch works on copies (a budget's default
// max_tokens, a key's cap), so a frozen request goes through failover, hedging and a budget
// downgrade unchanged — and the copy, not the original, is what reaches the provider.

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

type Step = 'ok' | { failAfterMs: number };

/** A provider double scripted per call that keeps the requests it was sent. */
function scripted(script: Step[]): ProviderAdapter & { sent: ChatRequest[] } {
  const sent: ChatRequest[] = [];
  return {
    kind: 'openai',
    sent,
    async complete(request, target, signal): Promise<CompletionResult> {
      const step = script[Math.min(sent.length, script.length - 1)]!;
      sent.push(request);
      if (step !== 'ok') {
        await new Promise((resolve) => setTimeout(resolve, step.failAfterMs));
        if (signal.aborted) throw signal.reason;
        throw new ProviderError('server', 'boom', 500);
      }
      return {
        completion: {
          id: 'c',
          object: 'chat.completion',
          created: 0,
          model: target.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        },
        usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
        providerFields: {},
      };
    },
    async stream(): Promise<never> {
      throw new Error('not used');
    },
  };
}

test('a deep-frozen request goes through a budget downgrade, a hedge and a failover unchanged', async () => {
  const price = (usd: string) => ({ input_per_mtok: usd, output_per_mtok: usd });
  const config = parseRoutesConfig({
    routes: [
      {
        name: 'chat',
        strategy: 'priority',
        hedge: { delay_ms: 20 },
        deployments: ['pricey', 'cheap', 'spare'].map((name) => ({
          name,
          provider: 'openai',
          base_url: 'http://127.0.0.1:1',
          api_key_env: 'K',
          model: 'm',
          price: price(name === 'pricey' ? '1000' : '0.01'),
        })),
      },
    ],
    retry: { base_delay_ms: 1, max_delay_ms: 2 },
    // Pricey's worst case (~$0.1) never fits $0.001; the cheap ones' (~1e-6) do.
    budgets: { default_max_tokens: 100, limits: [{ scope: 'team', id: 't', limit_usd: 0.001, per: 'day', on_exhausted: 'downgrade' }] },
  });
  // cheap is slow and fails; spare answers.
  const adapters = { pricey: scripted(['ok']), cheap: scripted([{ failAfterMs: 60 }]), spare: scripted(['ok']) };
  const route: Route = {
    config: config.routes[0]!,
    deployments: config.routes[0]!.deployments.map((d) => ({
      config: d,
      adapter: adapters[d.name as keyof typeof adapters],
      target: { baseUrl: d.base_url, apiKey: 'k', model: d.model },
      price: resolvePriceSheet(d),
    })),
  };
  const events: AttemptEvent[] = [];
  const dispatcher = new Dispatcher({
    routes: new Map([['chat', route]]),
    weights: new RoutingWeights(),
    retry: config.retry,
    publisher: { publish: (e) => void events.push(e), flush: async () => {}, close: async () => {}, dropped: 0 },
    budgets: createBudgets(config.budgets, { now: () => Date.now() }),
  });
  const request: ChatRequest = deepFreeze({ model: 'chat', messages: [{ role: 'user', content: 'hello' }], stream: false });
  const before = structuredClone(request);
  const ctx = {
    requestId: crypto.randomUUID(),
    tags: deepFreeze({ team: 't', project: '', feature: '', user: '', api_key_id: '', environment: '', extra: {} }),
    signal: new AbortController().signal,
  };

  const completion = await new ChatService(dispatcher).complete(request, ctx);

  assert.equal(completion.choices[0]!.message.content, 'hi');
  assert.deepEqual(
    events.map((e) => [e.deployment, e.attempt_no, e.fallback_reason, e.status]),
    [
      ['cheap', 1, 'budget_downgrade', 'error'],
      // The retry is moved to cheap again; its hedge twin goes elsewhere (never a twin on the
      // deployment already serving the request), wins, and the slow attempt is cancelled.
      ['cheap', 2, 'server_error', 'cancelled'],
      ['spare', 3, 'hedge', 'ok'],
    ],
  );
  assert.deepEqual(request, before, 'the caller’s request is as it was');
  assert.equal(request.max_tokens, undefined);
  const sent = [...adapters.cheap.sent, ...adapters.spare.sent];
  assert.equal(adapters.pricey.sent.length, 0, 'the budget moved the first attempt off pricey');
  assert.deepEqual(
    sent.map((r) => r.max_tokens),
    [100, 100, 100],
    'every attempt carried the budget’s default max_tokens, on a copy',
  );
  // What parity's shadow copy sends: the same bounded request; a team without a budget sends the caller's own.
  assert.equal(dispatcher.dispatchedRequest(request, ctx).max_tokens, 100);
  const unbudgeted = { ...ctx, tags: { ...ctx.tags, team: 'other' } };
  assert.equal(dispatcher.dispatchedRequest(request, unbudgeted), request);
});

test("a key's limits leave a frozen request unchanged: its cap goes on a copy", () => {
  const key = { id: 'k1', max_tokens: 50 } as VirtualKeyConfig;
  const request: ChatRequest = deepFreeze({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: false });
  const capped = applyKeyLimits(key, request);
  assert.ok(!(capped instanceof DispatchError));
  assert.equal(capped.max_tokens, 50);
  assert.equal(request.max_tokens, undefined);
  const within = deepFreeze({ ...request, max_tokens: 20 });
  assert.equal(applyKeyLimits(key, within), within, 'nothing to change: the same object');
  const over = applyKeyLimits(key, deepFreeze({ ...request, max_tokens: 80 }));
  assert.ok(over instanceof DispatchError && over.code === 'max_tokens_over_limit');
});
