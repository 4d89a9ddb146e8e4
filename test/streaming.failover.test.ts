import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// The collector alone, recording the events it would emit: streaming failover before commit,
// and an explicit error after commit. The OpenAI deployment is always tried first.
let h: CollectorHarness;
let openai: OpenAI;
let baseUrl: string;

before(async () => {
  h = await startCollectorHarness({ seed: 5, firstChoice: 'openai-primary' });
  baseUrl = `${h.origin}/v1`;
  openai = new OpenAI({ baseURL: baseUrl, apiKey: 'k', maxRetries: 0 });
});
after(() => h.close());

/** The raw SSE response, to see exactly what a client receives. */
const rawStream = () =>
  fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });

const ask = () => openai.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'stream it' }] });

test('a stream that breaks before its first token fails over invisibly to the client', async () => {
  h.events.length = 0;
  h.sim.setFaults(simulatedUpstreams.openai, { streamCutAfterChunks: 0 });
  let text = '';
  for await (const chunk of await ask()) text += chunk.choices[0]?.delta.content ?? '';
  assert.ok(text.length > 10);
  assert.deepEqual(
    h.events.map((e) => [e.deployment, e.status, e.fallback_reason]),
    [
      ['openai-primary', 'error', 'none'],
      ['anthropic-backup', 'ok', 'network_error'],
    ],
  );
  assert.ok(h.events[1]!.ttft_ms! > 0);
  h.sim.clearFaults();
});

test('a stream cut after the first tokens ends with an error event and no [DONE], never a clean finish', async () => {
  h.events.length = 0;
  h.sim.setFaults(simulatedUpstreams.openai, { streamCutAfterChunks: 5 });
  const response = await rawStream();
  assert.equal(response.status, 200);
  assert.match(response.headers.get('x-switchyard-overhead-ms') ?? '', /^\d+\.\d{3}$/, 'the shim reports its own overhead at commit');
  const body = await response.text();
  assert.doesNotMatch(body, /\[DONE\]/);
  assert.match(body, /"code":"stream_interrupted"/);
  await assert.rejects(async () => {
    for await (const _ of await ask()) void _;
  }, 'the official SDK surfaces the cut as an error');
  const attempt = h.events[0]!;
  assert.deepEqual([attempt.deployment, attempt.status, attempt.is_final, attempt.error_class], ['openai-primary', 'error', true, 'network']);
  assert.ok(attempt.output_tokens >= 1, 'partial output is recorded');
  assert.equal(h.events.filter((e) => e.request_id === attempt.request_id).length, 1, 'no failover after commit');
  h.sim.clearFaults();
});

test('a corrupted frame mid-answer ends the stream with an error, never a clean finish', async () => {
  h.events.length = 0;
  h.sim.setFaults(simulatedUpstreams.openai, { streamCorruptAfterChunks: 4 });
  const response = await rawStream();
  const body = await response.text();
  assert.doesNotMatch(body, /\[DONE\]/);
  assert.match(body, /"code":"stream_interrupted"/);
  assert.deepEqual([h.events[0]!.status, h.events[0]!.error_class], ['error', 'server']);
  h.sim.clearFaults();
});

test('a corrupted first frame, before any content, fails over invisibly', async () => {
  h.events.length = 0;
  h.sim.setFaults(simulatedUpstreams.openai, { streamCorruptAfterChunks: 0 });
  let text = '';
  for await (const chunk of await ask()) text += chunk.choices[0]?.delta.content ?? '';
  assert.ok(text.length > 10);
  assert.deepEqual(
    h.events.map((e) => [e.deployment, e.status]),
    [
      ['openai-primary', 'error'],
      ['anthropic-backup', 'ok'],
    ],
  );
  h.sim.clearFaults();
});

test('a stream that stalls before its first token hits the time-to-first-token deadline and fails over', async () => {
  const stalled = await startCollectorHarness({
    seed: 5,
    firstChoice: 'openai-primary',
    config: (base) => ({ ...base, retry: { ...base.retry, attempt_timeout_ms: 300 } }),
  });
  try {
    stalled.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 5000, max: 5000 } });
    const client = new OpenAI({ baseURL: `${stalled.origin}/v1`, apiKey: 'k', maxRetries: 0 });
    const started = Date.now();
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'x' }] }))
      text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 10 && Date.now() - started < 3000);
    assert.deepEqual(
      stalled.events.map((e) => [e.deployment, e.status]),
      [
        ['openai-primary', 'timeout'],
        ['anthropic-backup', 'ok'],
      ],
    );
  } finally {
    await stalled.close();
  }
});
