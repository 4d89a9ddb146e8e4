import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, type Simulator } from './index.ts';

let sim: Simulator;
before(async () => (sim = await startSimulator({ seed: 3 })));
after(async () => sim.close());

const openai = (upstream: string, timeout = 10_000) => new OpenAI({ baseURL: sim.baseUrl(upstream, 'openai'), apiKey: 'k', maxRetries: 0, timeout });

test('the official OpenAI SDK gets completions and streams with usage', async () => {
  const c = await openai('o1').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 });
  assert.ok(c.choices[0]!.message.content!.length > 0);
  assert.ok(c.usage!.prompt_tokens > 0 && c.usage!.completion_tokens > 0);
  const stream = await openai('o1').chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'hi' }],
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage ??= chunk.usage;
  }
  assert.ok(text.length > 0);
  assert.equal(usage!.completion_tokens, text.split(' ').length);
});

test('reasoning models and long prompts report reasoning and cached tokens', async () => {
  const c = await openai('o2').chat.completions.create({ model: 'o3-mini', messages: [{ role: 'user', content: 'x'.repeat(8000) }], max_tokens: 10 });
  assert.equal(c.choices[0]!.finish_reason, 'length');
  assert.equal(c.usage!.completion_tokens_details!.reasoning_tokens, 20);
  assert.ok(c.usage!.prompt_tokens_details!.cached_tokens! > 0);
});

test('the official Anthropic SDK gets messages and streams', async () => {
  const anthropic = new Anthropic({ baseURL: sim.baseUrl('claude', 'anthropic'), apiKey: 'k', maxRetries: 0 });
  const m = await anthropic.messages.create({
    model: 'claude-3-5-haiku-latest',
    max_tokens: 40,
    system: 'be brief',
    messages: [{ role: 'user', content: 'hello' }],
  });
  assert.equal(m.content[0]!.type, 'text');
  assert.ok(m.usage.input_tokens > 0);
  const stream = anthropic.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 40, messages: [{ role: 'user', content: 'hello' }] });
  const final = await stream.finalMessage();
  assert.ok(final.usage.output_tokens > 0);
  assert.ok((final.content[0] as { text: string }).text.length > 0);
});

test('Gemini generateContent answers with usage metadata', async () => {
  const r = await fetch(`${sim.baseUrl('gem', 'gemini')}/v1beta/models/gemini-2.0-flash:generateContent`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'k' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  });
  const body = (await r.json()) as { candidates: Array<{ finishReason: string }>; usageMetadata: { promptTokenCount: number } };
  assert.equal(body.candidates[0]!.finishReason, 'STOP');
  assert.ok(body.usageMetadata.promptTokenCount > 0);
});

test('missing keys and bodies are refused in each format', async () => {
  const r = await fetch(`${sim.baseUrl('x', 'openai')}/chat/completions`, { method: 'POST', body: '{}' });
  assert.equal(r.status, 401);
  await assert.rejects(openai('x').chat.completions.create({ model: 'm', messages: [] }), (e: InstanceType<typeof OpenAI.BadRequestError>) => e.status === 400);
});

test('faults: 429 with Retry-After, hard down, outage window, hang, and a cut stream', async () => {
  sim.setFaults('f429', { errorRates: { '429': 1 }, retryAfterSeconds: 2 });
  await assert.rejects(
    openai('f429').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    (e: InstanceType<typeof OpenAI.RateLimitError>) => e.status === 429 && e.headers?.get('retry-after') === '2',
  );

  sim.setFaults('down', { down: true });
  await assert.rejects(
    openai('down').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    (e: InstanceType<typeof OpenAI.APIError>) => e.status === 503,
  );
  sim.setFaults('reset', { down: true, downMode: 'reset' });
  await assert.rejects(openai('reset').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), OpenAI.APIConnectionError);

  sim.setFaults('later', { outage: { fromMs: 60_000, toMs: 120_000 } });
  assert.ok(await openai('later').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));

  sim.setFaults('flap', { flap: { upMs: 150, downMs: 10_000 } });
  assert.ok(await openai('flap').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), 'up at first');
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(
    openai('flap').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    (e: InstanceType<typeof OpenAI.APIError>) => e.status === 503,
  );

  sim.setFaults('hang', { hangRate: 1 });
  await assert.rejects(
    openai('hang', 200).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    OpenAI.APIConnectionTimeoutError,
  );

  sim.setFaults('cut', { streamCutAfterChunks: 3 });
  const stream = await openai('cut').chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
  let pieces = 0;
  await assert.rejects(async () => {
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
  });
  assert.equal(pieces, 3);
  assert.equal(sim.stats('f429').byStatus['429'], 1);
});

test('a latency distribution delays the first byte', async () => {
  sim.setFaults('slow', { latencyMs: { min: 150, max: 200 } });
  const started = performance.now();
  await openai('slow').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  assert.ok(performance.now() - started >= 145);
});

test('embeddings in OpenAI and Gemini format: one deterministic vector per input', async () => {
  const a = await openai('e1').embeddings.create({ model: 'text-embedding-3-small', input: ['same', 'other', 'same'], encoding_format: 'float' });
  assert.equal(a.data.length, 3);
  assert.deepEqual(a.data[0]!.embedding, a.data[2]!.embedding);
  assert.notDeepEqual(a.data[0]!.embedding, a.data[1]!.embedding);
  assert.ok(a.usage.prompt_tokens > 0);
  const r = await fetch(`${sim.baseUrl('e2', 'gemini')}/v1beta/models/gemini-embedding-001:batchEmbedContents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
    body: JSON.stringify({ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'same' }] } }] }),
  });
  const g = (await r.json()) as { embeddings: Array<{ values: number[] }> };
  assert.deepEqual(g.embeddings[0]!.values, a.data[0]!.embedding);
});
