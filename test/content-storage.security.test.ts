import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// Prompt and completion text never leave the shim unless a route opts in, and then redacted.

let h: CollectorHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const secretPrompt = 'My email is jane.doe@example.com, card 4242 4242 4242 4242, key sk-live-abcdefghijklmnop1234. Summarise.';
const ask = (origin: string) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk' },
    body: JSON.stringify({
      model: 'chat',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: secretPrompt },
      ],
    }),
  }).then((r) => r.json() as Promise<{ choices: Array<{ message: { content: string } }> }>);

test('by default no text is in any event', async () => {
  h = await startCollectorHarness();
  await ask(h.origin);
  assert.equal(h.events[0]!.content, null);
  assert.ok(!JSON.stringify(h.events).includes('jane.doe'));
});

test('a route that opts in stores the prompt and completion, redacted', async () => {
  h = await startCollectorHarness({
    config: (base: RoutesConfig) => ({
      ...base,
      routes: base.routes.map((r) => ({ ...r, store_content: { redact: ['secret', 'email', 'card', 'ssn', 'ip', 'phone'], max_chars: 32_768 } })),
    }),
  });
  const answer = await ask(h.origin);
  const content = h.events[0]!.content!;
  assert.equal(content.prompt, 'system: be brief\nuser: My email is [EMAIL], card [CARD], key [SECRET]. Summarise.');
  assert.equal(content.completion, answer.choices[0]!.message.content);
  assert.ok(!JSON.stringify(h.events).includes('jane.doe') && !JSON.stringify(h.events).includes('4242'));
});
