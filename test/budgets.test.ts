import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import type { BudgetLimitConfig, RoutesConfig } from '../collector/config/routes-config.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';
import { until } from './support/wait.ts';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

// Budget enforcement through the shim: worst case reserved before each attempt, settled after,
// and the bucket's policy (reject / downgrade) applied when it runs dry.

let h: CollectorHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const withBudget =
  (limit: Partial<BudgetLimitConfig>, defaultMaxTokens = 100) =>
  (base: RoutesConfig): RoutesConfig => ({
    ...base,
    budgets: {
      default_max_tokens: defaultMaxTokens,
      limits: [{ scope: 'team', id: 'payments', limit_usd: 1, per: 'day', on_exhausted: 'reject', max_delay_ms: 2000, ...limit }],
    },
  });

const ask = (origin: string, team = 'payments', init: RequestInit = {}) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client', 'x-switchyard-team': team },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'what does this cost?' }] }),
    ...init,
  });

test('a team budget admits requests while it lasts, settles each to its real cost, then answers 429 with Retry-After', async () => {
  // Claude 3.5 Haiku: the worst case of 100 output tokens is about $0.00042; a typical answer costs far less.
  h = await startCollectorHarness({ seed: 3, firstChoice: 'anthropic-backup', config: withBudget({ limit_usd: 0.001, per: 'day' }) });
  let served = 0;
  let refusal: Response | null = null;
  for (let i = 0; i < 20 && !refusal; i++) {
    const r = await ask(h.origin);
    if (r.status === 200) served++;
    else refusal = r;
    await r.text();
  }
  assert.ok(refusal, 'the budget ran out');
  // Two worst cases fit in $0.001; more requests passing proves unspent reservations came back.
  assert.ok(served >= 3, `served ${served}`);
  assert.equal(refusal.status, 429);
  assert.ok(Number(refusal.headers.get('retry-after')) > 60, `Retry-After ${refusal.headers.get('retry-after')}`);

  const ok = h.events.filter((e) => e.status === 'ok');
  const spent = ok.reduce((sum, e) => sum + Number(e.cost_usd), 0);
  assert.ok(spent <= 0.001, `never spends past the limit: ${spent}`);
  for (const e of ok) {
    assert.equal(e.budget.decision, 'allow');
    assert.ok(Number(e.budget.reserved_usd) > Number(e.cost_usd), 'the reservation was the worst case');
  }
  const rejected = h.events[h.events.length - 1]!;
  assert.deepEqual(
    [rejected.status, rejected.error_class, rejected.budget.decision, rejected.budget.limited_by],
    ['rejected', 'budget_exhausted', 'reject', 'team:payments'],
  );
  assert.equal(h.sim.stats(simulatedUpstreams.anthropic).requests, served, 'a rejected request never reaches a provider');

  const other = await ask(h.origin, 'search');
  assert.equal(other.status, 200, 'other teams are not limited');
});

test('downgrade: when the preferred deployment does not fit, a cheaper one that does serves the request', async () => {
  // Burst $0.0002: Haiku's worst case ($0.00042) never fits, Gemini 2.0 Flash's ($0.00004) does.
  h = await startCollectorHarness({
    seed: 3,
    firstChoice: 'anthropic-backup',
    config: withBudget({ limit_usd: 0.0002, per: 'day', on_exhausted: 'downgrade' }),
  });
  const r = await ask(h.origin);
  assert.equal(r.status, 200);
  const event = h.events[0]!;
  assert.equal(event.deployment, 'gemini-backup');
  assert.equal(event.budget.decision, 'downgrade');
  assert.equal(event.budget.limited_by, 'team:payments');
});

test('a request whose worst case can never fit is a 400 naming max_tokens', async () => {
  h = await startCollectorHarness({ firstChoice: 'anthropic-backup', config: withBudget({ limit_usd: 0.0001 }, 100_000) });
  const r = await ask(h.origin);
  assert.equal(r.status, 400);
  const body = (await r.json()) as { error: { code: string; param: string; message: string } };
  assert.equal(body.error.code, 'budget_exceeds_capacity');
  assert.equal(body.error.param, 'max_tokens');
});

/** Streams a completion with slow tokens, leaves after `chunks` content chunks, and returns what the reader got and the cancelled attempt's event. */
async function leaveStream(harness: CollectorHarness, upstream: string, chunks: number) {
  // Slow tokens: the reader has the first ones long before the answer could end.
  harness.sim.setFaults(upstream, { interTokenMs: 60 });
  const client = new AbortController();
  const body = JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'what does this cost?' }] });
  const r = await ask(harness.origin, 'payments', { body, signal: client.signal });
  const reader = r.body!.getReader();
  let received = '';
  while ((received.match(/"content":"/g) ?? []).length < chunks) received += new TextDecoder().decode((await reader.read()).value);
  client.abort();
  await reader.cancel().catch(() => {});
  const event = await until('the cancelled stream attempt', async () => harness.events.find((e) => e.status === 'cancelled'));
  return { event, received };
}

test('a stream its reader leaves after the first tokens is cancelled and billed for the output it got, not just its input', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: withBudget({ limit_usd: 1 }) });
  const { event } = await leaveStream(h, simulatedUpstreams.openai, 1);
  assert.ok(event.output_tokens >= 1, `output tokens ${event.output_tokens}`);
  assert.ok(event.input_tokens > 5, `input tokens ${event.input_tokens}`);
  assert.equal(event.usage_estimated, true, 'the provider reported no usage for the cut stream: the shim counted it');
  assert.ok(event.ttft_ms !== null, 'the first token reached the client');
  // Both at gpt-4o-mini's list prices ($0.15 / $0.60 per million tokens), exactly: 150,000 and 600,000 pico-USD per token.
  const pico = BigInt(event.input_tokens) * 150_000n + BigInt(event.output_tokens) * 600_000n;
  assert.equal(event.cost_usd, `0.${pico.toString().padStart(12, '0')}`);
  assert.equal(event.is_final, true);
});

test('a cancelled request is charged its input cost, in the event and in the bucket', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: withBudget({ limit_usd: 1 }) });
  h.sim.setFaults(simulatedUpstreams.openai, { hangRate: 1 });
  const client = new AbortController();
  const pending = ask(h.origin, 'payments', { signal: client.signal }).catch(() => null);
  await until('the attempt to start', async () => h!.sim.stats(simulatedUpstreams.openai).requests > 0);
  client.abort();
  await pending;
  const event = await until('the cancelled attempt event', async () => h!.events.find((e) => e.status === 'cancelled'));
  assert.ok(event.input_tokens > 5, `input tokens ${event.input_tokens}`);
  assert.ok(Number(event.cost_usd) > 0, 'not free');
  assert.equal(event.output_tokens, 0);
});

test('a cut Anthropic stream is billed the output it sent, not the interim count of its message_start', async () => {
  // Anthropic reports output_tokens 1 in message_start and the real count only in message_delta,
  // which a stream cut early never gets to (found by a fresh-user trial: every cut Claude stream billed 1 output token).
  h = await startCollectorHarness({ firstChoice: 'anthropic-backup', config: withBudget({ limit_usd: 1 }) });
  const { event, received } = await leaveStream(h, simulatedUpstreams.anthropic, 10);
  assert.equal(event.deployment, 'anthropic-backup');
  const streamed = [...received.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
  assert.ok(event.output_tokens >= countTokens(streamed), `output tokens ${event.output_tokens} for ${JSON.stringify(streamed)}`);
  assert.equal(event.usage_estimated, true, 'the output was counted by the shim');
  // The prompt count is Anthropic's own (message_start), exact: the simulator's count of the same prompt.
  assert.ok(event.input_tokens > 5, `input tokens ${event.input_tokens}`);
  // Claude 3.5 Haiku list prices ($0.80 / $4 per million tokens): 800,000 and 4,000,000 pico-USD per token, exactly.
  const pico = BigInt(event.input_tokens) * 800_000n + BigInt(event.output_tokens) * 4_000_000n;
  assert.equal(event.cost_usd, `0.${pico.toString().padStart(12, '0')}`);
});
