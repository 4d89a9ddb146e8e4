import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// `n` through the collector on the default simulated route (found by a new-user trial: n = 2
// answered one choice, because the simulator ignored n). The route sends n > 1 to the deployment
// that honours it; the client gets every choice, plain and streamed, and the attempt is billed
// for every choice's tokens.

let h: CollectorHarness;
before(async () => (h = await startCollectorHarness({ seed: 4 })));
after(() => h.close());

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'say something' }], max_tokens: 20 };

test('n = 3 returns three choices, billed as three, on the deployment that supports n', async () => {
  const client = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'k', maxRetries: 0 });
  const one = await client.chat.completions.create({ ...ask, n: 1 });
  const three = await client.chat.completions.create({ ...ask, n: 3 });
  assert.deepEqual(
    three.choices.map((c) => c.index),
    [0, 1, 2],
  );
  assert.ok(three.choices.every((c) => c.message.content && c.message.content.length > 0));
  assert.equal(three.usage!.completion_tokens, 3 * three.choices[0]!.message.content!.split(' ').length);
  const event = h.events[h.events.length - 1]!;
  assert.equal(event.deployment, 'openai-primary');
  assert.equal(event.output_tokens, three.usage!.completion_tokens);
  assert.ok(one.choices.length === 1);
});

test('n = 2 streamed: each choice arrives under its index, whole', async () => {
  const client = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'k', maxRetries: 0 });
  const stream = await client.chat.completions.create({ ...ask, n: 2, stream: true, stream_options: { include_usage: true } });
  const texts = ['', ''];
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    usage ??= chunk.usage;
  }
  assert.ok(texts[0]!.length > 0);
  assert.equal(texts[1], texts[0]);
  assert.equal(usage!.completion_tokens, 2 * texts[0]!.split(' ').length);
});
