import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';
import { until } from './support/wait.ts';

// Hedging on a latency-critical route: a slow first attempt gets a twin on another deployment;
// the first answer wins and the loser is cancelled and recorded as such.

let h: CollectorHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const hedged =
  (hedge: NonNullable<RoutesConfig['routes'][number]['hedge']>) =>
  (base: RoutesConfig): RoutesConfig => ({ ...base, routes: base.routes.map((r) => ({ ...r, hedge })) });
const hedgeConfig = { delay_ms: 100, percentile: 95, min_samples: 20, initial_delay_ms: 1000, min_delay_ms: 10 };

test('a slow first attempt is hedged: the twin answers, the loser is cancelled and charged its input', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: hedged(hedgeConfig) });
  h.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 3000, max: 3000 } });
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0 });
  const started = Date.now();
  const r = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'quick' }] });
  const tookMs = Date.now() - started;
  assert.ok(r.choices[0]!.message.content!.length > 0);
  assert.ok(tookMs < 2000, `answered by the twin, not after the slow 3 s: ${tookMs} ms`);
  const events = await until('both attempt events', async () => (h!.events.length === 2 ? h!.events : null));
  const loser = events.find((e) => e.deployment === 'openai-primary')!;
  const winner = events.find((e) => e.status === 'ok')!;
  assert.deepEqual([loser.status, loser.error_class, loser.is_final], ['cancelled', 'hedge_lost', false]);
  assert.ok(loser.input_tokens > 0 && Number(loser.cost_usd) > 0, 'the loser read the prompt: charged its input');
  // The twin exists because the first was slow, not because it failed: fallback reason `hedge`, not `timeout`.
  assert.deepEqual([winner.attempt_no, winner.is_final, winner.fallback_reason], [2, true, 'hedge']);
  assert.notEqual(winner.deployment, 'openai-primary');
});

test('streams are hedged too: the first to send content wins, the other never reaches the client', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: hedged(hedgeConfig) });
  h.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 3000, max: 3000 } });
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0 });
  const final = await openai.chat.completions.stream({ model: 'chat', messages: [{ role: 'user', content: 'stream' }] }).finalChatCompletion();
  assert.ok(final.choices[0]!.message.content!.length > 10);
  const events = await until('both attempt events', async () => (h!.events.length === 2 ? h!.events : null));
  assert.deepEqual(events.map((e) => e.status).sort(), ['cancelled', 'ok']);
  assert.deepEqual(events.map((e) => e.fallback_reason).sort(), ['hedge', 'none'], 'the first attempt and its hedge twin');
});

test('a fast first attempt is not hedged', async () => {
  h = await startCollectorHarness({ firstChoice: 'openai-primary', config: hedged({ ...hedgeConfig, delay_ms: 1000 }) });
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0 });
  for (let i = 0; i < 3; i++) await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  assert.deepEqual(
    h.events.map((e) => [e.deployment, e.status]),
    [
      ['openai-primary', 'ok'],
      ['openai-primary', 'ok'],
      ['openai-primary', 'ok'],
    ],
  );
  assert.equal(h.sim.stats().requests, 3);
});

test('without a fixed delay, the route hedges at its recent p95 latency', async () => {
  h = await startCollectorHarness({
    firstChoice: 'openai-primary',
    config: hedged({ percentile: 95, min_samples: 5, initial_delay_ms: 5000, min_delay_ms: 10 }),
  });
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'sk', maxRetries: 0 });
  h.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 20, max: 40 } });
  for (let i = 0; i < 10; i++) await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'warm up' }] });
  h.events.length = 0;
  h.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 3000, max: 3000 } });
  const started = Date.now();
  await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'now slow' }] });
  assert.ok(Date.now() - started < 1500, 'hedged near the learned p95, not after the 5 s initial delay');
  await until('both attempt events', async () => h!.events.length === 2);
});
