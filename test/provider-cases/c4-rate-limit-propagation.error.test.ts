import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, openaiCompletion, startMockUpstream, type MockUpstream } from './support/mock-upstream.ts';
import { at, post, startCaseCollector, type CaseCollector } from './support/case-collector.ts';

// Case 4 (shared/provider-cases/4-upstream-429-retry-after) and its kind: a deployment is never
// called again before its Retry-After, and when every attempt was rate limited the client gets
// 429 with a Retry-After.

let limited: MockUpstream;
let bare429: MockUpstream;
let healthy: MockUpstream;
let soon: MockUpstream;
let c: CaseCollector;

before(async () => {
  // Exactly case 4's mock: every call 429 with Retry-After: 30.
  limited = await startMockUpstream((_req, res) =>
    json(
      res,
      429,
      { error: { message: 'Rate limit reached for requests per minute; retry after 30 s.', type: 'requests', code: 'rate_limit_exceeded' } },
      { 'retry-after': '30' },
    ),
  );
  bare429 = await startMockUpstream((_req, res) => json(res, 429, { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }));
  healthy = await startMockUpstream((req, res) => json(res, 200, openaiCompletion((req.body as { model: string }).model, 'hello')));
  soon = await startMockUpstream((_req, res) =>
    json(
      res,
      429,
      { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } },
      { 'retry-after': '12' },
    ),
  );
  const d = (name: string, upstream: MockUpstream, model = 'gpt-4o-mini') => ({
    name,
    provider: 'openai',
    base_url: upstream.origin,
    api_key_env: 'MOCK_KEY',
    model,
  });
  c = await startCaseCollector([
    { name: 'c4-single', deployments: [d('c4-openai', limited)] },
    { name: 'pair', strategy: 'priority', deployments: [d('pair-limited', limited, 'gpt-4o'), d('pair-healthy', healthy)] },
    { name: 'no-hint', deployments: [d('no-hint', bare429)] },
    { name: 'c4-again', deployments: [d('c4-openai', limited)] },
    {
      name: 'both-limited',
      strategy: 'priority',
      deployments: [
        d('both-30', limited),
        { name: 'both-12', provider: 'anthropic', base_url: soon.origin, api_key_env: 'MOCK_KEY', model: 'claude-3-5-haiku-latest' },
      ],
    },
  ]);
});
after(async () => {
  await c.close();
  await Promise.all([limited.close(), bare429.close(), healthy.close(), soon.close()]);
});

test('case 4: a 429 with Retry-After 30 on a one-deployment route → client 429 with Retry-After 30, one upstream call', async () => {
  limited.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'c4-single', messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '30');
  assert.equal(at(r.body, 'error.type'), 'rate_limit_error');
  assert.equal(limited.requests.length, 1, 'not called again inside its Retry-After');
  assert.deepEqual(
    c.events.slice(-1).map((e) => [e.status, e.is_final, e.http_status]),
    [['rate_limited', true, 429]],
  );
});

test('the next request inside the Retry-After is answered 429 at once, without calling the provider', async () => {
  limited.requests.length = 0;
  c.events.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'c4-single', messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(r.status, 429);
  const seconds = Number(r.headers.get('retry-after'));
  assert.ok(seconds >= 29 && seconds <= 30, `Retry-After ${seconds}`);
  assert.equal(limited.requests.length, 0);
  assert.deepEqual(
    c.events.map((e) => [e.status, e.error_class]),
    [['rejected', 'rate_limit_cooldown']],
  );
});

test('the Anthropic face gets the same 429 and Retry-After, in its error shape', async () => {
  const r = await post(`${c.origin}/v1/messages`, { model: 'c4-single', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 29);
  assert.equal(at(r.body, 'error.type'), 'rate_limit_error');
});

test('a route with another deployment fails over, and later requests skip the rate-limited one until its Retry-After ends', async () => {
  limited.requests.length = 0;
  c.events.length = 0;
  const first = await post(`${c.origin}/v1/chat/completions`, { model: 'pair', messages: [{ role: 'user', content: 'a' }] });
  const second = await post(`${c.origin}/v1/chat/completions`, { model: 'pair', messages: [{ role: 'user', content: 'b' }] });
  assert.deepEqual([first.status, second.status], [200, 200]);
  assert.equal(limited.requests.length, 1);
  assert.deepEqual(
    c.events.map((e) => [e.deployment, e.status, e.fallback_reason]),
    [
      ['pair-limited', 'rate_limited', 'none'],
      ['pair-healthy', 'ok', 'rate_limited'],
      ['pair-healthy', 'ok', 'none'],
    ],
  );
});

test('every attempt rate limited without a Retry-After: still a 429 that says when to come back', async () => {
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'no-hint', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.equal(bare429.requests.length, 3, 'short, jittered retries are still allowed when the provider gave no Retry-After');
});

test('every deployment of a route rate limited: one call each, then 429 with the soonest Retry-After of them', async () => {
  limited.requests.length = 0;
  soon.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'both-limited', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '12');
  assert.equal(soon.requests.length, 1);
  assert.equal(limited.requests.length, 1);
});

test('the same deployment listed in another route waits out the same Retry-After there', async () => {
  limited.requests.length = 0;
  const r = await post(`${c.origin}/v1/chat/completions`, { model: 'c4-again', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 1);
  assert.equal(limited.requests.length, 0, 'c4-openai is inside the 30 s its provider gave in the first test');
});
