import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, openaiCompletion, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 8 (shared/provider-cases/8-context-window-fallback) and its kind: an error another
// deployment of the route can cure (context length, a parameter one model refuses, an answer that
// does not parse) fails over to a deployment that qualifies, recorded with its own fallback reason.

let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 8's mock, plus two models for the rest of the kind.
  upstream = await startMockUpstream((req, res) => {
    const model = (req.body as { model: string }).model;
    if (model === 'small-8k') {
      return json(res, 400, {
        object: 'error',
        message:
          "This model's maximum context length is 8192 tokens, but the request needs 9120 (1120 in the messages, 8000 in the completion). Shorten the messages or the completion.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      });
    }
    if (model === 'picky')
      return json(res, 400, {
        error: {
          message: "Unsupported value: 'temperature' does not support 0.2 with this model.",
          type: 'invalid_request_error',
          param: 'temperature',
          code: 'unsupported_value',
        },
      });
    if (model === 'garbled') return json(res, 200, { id: 'x', object: 'chat.completion', model, note: 'no choices here' });
    json(res, 200, openaiCompletion(model, 'Summary from the large-context model.', { prompt_tokens: 1120, completion_tokens: 9, total_tokens: 1129 }));
  });
  const d = (name: string, model: string, extra: Record<string, unknown> = {}) => ({
    name,
    provider: 'openai-compatible',
    base_url: `${upstream.origin}/v1`,
    api_key_env: 'MOCK_KEY',
    model,
    price: { input_per_mtok: '0.1', output_per_mtok: '0.2' },
    ...extra,
  });
  c = await startCaseCollector([
    { name: 'c8-longdoc', strategy: 'priority', deployments: [d('c8-small-8k', 'small-8k'), d('c8-large-128k', 'large-128k')] },
    {
      name: 'c8-longdoc-declared',
      strategy: 'priority',
      deployments: [
        d('c8d-small-8k', 'small-8k', { capabilities: { context_window: 8192 } }),
        d('c8d-large-128k', 'large-128k', { capabilities: { context_window: 131072 } }),
      ],
    },
    { name: 'picky', strategy: 'priority', deployments: [d('picky', 'picky'), d('relaxed', 'large-128k')] },
    { name: 'garbled', strategy: 'priority', deployments: [d('garbled', 'garbled'), d('sane', 'large-128k')] },
    { name: 'small-only', deployments: [d('only-small', 'small-8k')] },
  ]);
});
after(async () => {
  await c.close();
  await upstream.close();
});

const doc = `Summarise:\n${'Quarterly report paragraph with revenue, costs and outlook details. '.repeat(90)}`;

test('case 8: (a) undeclared, (b) declared and over, (c) declared and within our count — all answered by large-128k', async () => {
  upstream.requests.length = 0;
  c.events.length = 0;
  const a = await post(`${c.origin}/v1/chat/completions`, { model: 'c8-longdoc', max_tokens: 8000, messages: [{ role: 'user', content: doc }] });
  const b = await post(`${c.origin}/v1/chat/completions`, { model: 'c8-longdoc-declared', max_tokens: 8000, messages: [{ role: 'user', content: doc }] });
  const edge = await post(`${c.origin}/v1/chat/completions`, { model: 'c8-longdoc-declared', max_tokens: 7149, messages: [{ role: 'user', content: doc }] });
  assert.deepEqual([a.status, b.status, edge.status], [200, 200, 200]);
  for (const r of [a, b, edge]) assert.equal(at(r.body, 'choices.0.message.content'), 'Summary from the large-context model.');
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.error_class, e.fallback_reason]),
    [
      ['c8-small-8k', 'error', 'context_length', 'none'],
      ['c8-large-128k', 'ok', null, 'context_length'],
      ['c8d-large-128k', 'ok', null, 'none'],
      ['c8d-small-8k', 'error', 'context_length', 'none'],
      ['c8d-large-128k', 'ok', null, 'context_length'],
    ],
  );
});

test('a context-length error with no other deployment goes back to the client as a 400', async () => {
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'small-only', max_tokens: 8000, messages: [{ role: 'user', content: doc }] });
  assert.equal(r.status, 400);
  assert.equal(at(r.body, 'error.code'), 'context_length_exceeded');
});

test('a parameter one model refuses fails over to a deployment that takes it', async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'picky', temperature: 0.2, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 200);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.error_class, e.fallback_reason]),
    [
      ['picky', 'unsupported_parameter', 'none'],
      ['relaxed', null, 'unsupported_parameter'],
    ],
  );
});

test('an answer that does not parse is invalid_response (not a network error), and another deployment answers', async () => {
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'garbled', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 200);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.error_class, e.fallback_reason]),
    [
      ['garbled', 'error', 'invalid_response', 'none'],
      ['sane', 'ok', null, 'invalid_response'],
    ],
  );
  assert.match(c.events[0]!.error_class!, /invalid_response/);
});
