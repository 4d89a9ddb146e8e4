import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderAdapter } from '../../collector/providers/provider.ts';
import { json, openaiCompletion, sse, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { assembleOpenAI, at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// One error boundary: a bug of ours is an internal error with a logged stack, never a
// provider's network error (no retry, no failover, nothing blamed on the provider).

let upstream: MockUpstream;
let c: CaseCollector;

before(async () => {
  upstream = await startMockUpstream((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (!body.stream) return json(res, 200, openaiCompletion(body.model, 'fine'));
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: body.model };
    sse(res, [
      { data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'hel' }, finish_reason: null }] } },
      { data: { ...base, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] } },
      { data: '[DONE]' },
    ]);
  });
  const d = (name: string) => ({ name, provider: 'openai', base_url: upstream.origin, api_key_env: 'MOCK_KEY', model: 'gpt-4o-mini' });
  c = await startCaseCollector([{ name: 'buggy', strategy: 'priority', deployments: [d('buggy-first'), d('healthy-second')] }]);
  // A translation bug: the adapter of the first deployment throws a TypeError on every answer.
  const first = c.routes.get('buggy')!.deployments[0]!;
  const real = first.adapter;
  const buggy: ProviderAdapter = {
    kind: 'openai',
    complete: async (request, target, signal) => {
      const result = await real.complete(request, target, signal);
      return (result as unknown as { nothing: { here: () => never } }).nothing.here();
    },
    stream: async (request, target, signal) => {
      const events = await real.stream(request, target, signal);
      return (async function* () {
        for await (const e of events) {
          yield e;
          if (e.type === 'chunk' && e.chunk.choices[0]?.delta.content) throw new TypeError('Cannot read properties of undefined (reading "delta")');
        }
      })();
    },
  };
  first.adapter = buggy;
});
after(async () => {
  await c.close();
  await upstream.close();
});

test('a bug in an adapter answers 500 internal_error, is recorded as ours, is not retried elsewhere, and its stack is logged', async () => {
  upstream.requests.length = 0;
  c.events.length = 0;
  c.logs.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'buggy', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 500);
  assert.deepEqual(at(r.body, 'error'), { message: 'internal error', type: 'api_error', param: null, code: 'internal_error' });
  assert.equal(upstream.requests.length, 1, 'the healthy deployment is not called for our bug');
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.error_class, e.is_final]),
    [['buggy-first', 'error', 'internal_error', true]],
  );
  assert.ok(
    c.logs.some((l) => /internal error: TypeError/.test(l) && /at /.test(l)),
    `stack logged: ${c.logs.join('\n')}`,
  );
});

test('a bug after a stream committed ends it with an error frame, recorded as internal_error, never as network', async () => {
  c.events.length = 0;
  const r = await fetch(`${c.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'buggy', stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const s = assembleOpenAI(await r.text());
  assert.equal(s.done, false);
  assert.equal(s.errors.length, 1);
  assert.deepEqual(
    c.events.map((e) => [e.status, e.error_class]),
    [['error', 'internal_error']],
  );
});

test('the Anthropic face gets the same 500 in its own error shape', async () => {
  const r = await post(`${c.origin}/v1/messages`, { model: 'buggy', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 500);
  assert.deepEqual(at(r.body, 'error'), { type: 'api_error', message: 'internal error' });
});
