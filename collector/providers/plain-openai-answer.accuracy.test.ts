import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../simulator/random.ts';
import { openaiResponseSchema } from './openai-wire.ts';
import { isPlainOpenAIAnswer } from './plain-openai-answer.ts';

// The OpenAI adapter uses an answer as it is when isPlainOpenAIAnswer says so. That is right only
// if the schema accepts every such answer and returns it unchanged: checked on mutations of real
// answer shapes, valid and not.

const VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  7,
  2 ** 53,
  '',
  'x',
  'stop',
  [],
  [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
  {},
  { cached_tokens: 3 },
  { cached_tokens: -1 },
  { reasoning_tokens: 'x' },
];
const TOP = ['id', 'created', 'model', 'system_fingerprint', 'service_tier', 'usage', 'choices', 'object', '__proto__'];
const CHOICE = ['index', 'message', 'finish_reason', 'logprobs', 'extra'];
const MESSAGE = ['content', 'refusal', 'tool_calls', 'role', 'annotations'];
const USAGE = ['prompt_tokens', 'completion_tokens', 'prompt_tokens_details', 'completion_tokens_details', 'total_tokens'];

function answer(random: () => number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const set = (o: Record<string, unknown>, keys: string[], p: number) => {
    if (random() < p) {
      const k = pick(keys);
      if (random() < 0.3) delete o[k];
      else o[k] = pick(VALUES);
    }
    return o;
  };
  const message = set({ role: 'assistant', content: pick(['hi', null, '']), refusal: null, annotations: [] }, MESSAGE, 0.3);
  const choices = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) =>
    set({ index: i, message, finish_reason: 'stop', logprobs: null }, CHOICE, 0.2),
  );
  const usage = set(
    {
      prompt_tokens: 12,
      completion_tokens: 9,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    USAGE,
    0.3,
  );
  const body = set(
    {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices,
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_1',
    },
    TOP,
    0.5,
  );
  const json = JSON.stringify(body);
  return JSON.parse(random() < 0.05 ? json.replace('"id"', '"__proto__":{"a":1},"id"') : json);
}

test('every answer taken as it is: accepted by the schema and returned unchanged', () => {
  const random = seededRandom(7);
  let plain = 0;
  const n = 5000;
  for (let i = 0; i < n; i++) {
    const body = answer(random);
    if (!isPlainOpenAIAnswer(body)) continue;
    plain++;
    const parsed = openaiResponseSchema.safeParse(body);
    assert.ok(parsed.success, JSON.stringify(body));
    assert.deepEqual(parsed.data, body, JSON.stringify(body));
  }
  assert.ok(plain > n / 10 && plain < (n * 9) / 10, `plain ${plain} of ${n}`);
});

test('answers a default or a tool call would change go through the schema', () => {
  const ok = { id: 'a', created: 1, model: 'm', choices: [{ index: 0, message: { content: 'hi' }, finish_reason: 'stop' }] };
  assert.equal(isPlainOpenAIAnswer(ok), true);
  assert.equal(isPlainOpenAIAnswer({ ...ok, id: undefined }), false);
  assert.equal(isPlainOpenAIAnswer({ ...ok, choices: [{ message: { content: 'hi' } }] }), false);
  assert.equal(isPlainOpenAIAnswer({ ...ok, choices: [{ index: 0, message: { tool_calls: [] } }] }), false);
  assert.equal(isPlainOpenAIAnswer({ ...ok, choices: [] }), false);
});
