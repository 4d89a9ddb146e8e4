import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../simulator/random.ts';
import { parseChatBody, parseChatBodyBySchema } from './chat-request-schema.ts';
import { isPlainChatBody, PLAIN_BODY_KEYS } from './plain-chat-body.ts';

// parseChatBody skips the schema for plain bodies (plain-chat-body.ts). For every body, valid or
// not, it must answer exactly what the schema path answers: the same request, key for key and in
// the same order, or the same error.

const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  2,
  3,
  20,
  128,
  129,
  -1,
  -2,
  -2.5,
  0.5,
  1.5,
  2.0000001,
  2 ** 53,
  -(2 ** 53),
  '',
  'x',
  'user',
  'assistant',
  'tool',
  'system',
  'developer',
  'wizard',
  [],
  ['a'],
  {},
  { include_usage: true },
  { include_usage: 'yes' },
  { include_usage: false, other: 1 },
  [{ type: 'text', text: 'hi' }],
];
// The plain fields, and some that are not (refused, ignored, or changing the answer).
const BODY_KEYS = [...PLAIN_BODY_KEYS, 'logprobs', 'top_logprobs', 'store', 'logit_bias', 'service_tier', '__proto__'];
const MESSAGE_KEYS = ['role', 'content', 'name', 'tool_call_id', 'tool_calls', 'extra'];

function mutated(random: () => number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const messages = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
    const m: Record<string, unknown> = { role: pick(['user', 'system', 'assistant', 'developer']), content: pick(['hi', 'a longer prompt', '']) };
    if (random() < 0.3) m[pick(MESSAGE_KEYS)] = pick(VALUES);
    if (random() < 0.1) m.name = pick(['bob', '', 1]);
    return m;
  });
  const body: Record<string, unknown> = { model: pick(['chat', 'chat', '', 'gpt']), messages };
  for (let i = Math.floor(random() * 4); i > 0; i--) body[pick(BODY_KEYS)] = pick(VALUES);
  if (random() < 0.05) body.messages = pick(VALUES);
  // Through JSON, as a request body arrives (undefined fields vanish, __proto__ becomes an own key).
  return JSON.parse(JSON.stringify(body).replace('"model"', random() < 0.05 ? '"__proto__":{"x":1},"model"' : '"model"'));
}

test('plain bodies and everything else: the same answer as the schema alone, key order included', () => {
  const random = seededRandom(17);
  let plain = 0;
  const n = 5000;
  for (let i = 0; i < n; i++) {
    const body = mutated(random);
    if (isPlainChatBody(body)) plain++;
    const fast = parseChatBody(body);
    const reference = parseChatBodyBySchema(body);
    assert.deepEqual(fast, reference, JSON.stringify(body));
    assert.equal(JSON.stringify(fast), JSON.stringify(reference), JSON.stringify(body));
  }
  // The comparison means something only if both paths were taken often.
  assert.ok(plain > n / 10 && plain < (n * 9) / 10, `plain ${plain} of ${n}`);
});

test('a typical client body takes the shortcut; one with tools or a null does not', () => {
  const base = {
    model: 'chat',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi', name: 'u1' },
    ],
    max_tokens: 16,
  };
  assert.equal(isPlainChatBody(base), true);
  assert.equal(isPlainChatBody({ ...base, stream: true, stream_options: { include_usage: true }, temperature: 0.2 }), true);
  assert.equal(isPlainChatBody({ ...base, temperature: null }), false);
  assert.equal(isPlainChatBody({ ...base, tools: [] }), false);
  assert.equal(isPlainChatBody({ ...base, messages: [{ role: 'tool', content: 'x', tool_call_id: 'c' }] }), false);
});
