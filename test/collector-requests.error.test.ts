import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

let h: CollectorHarness;
before(async () => {
  h = await startCollectorHarness();
});
after(() => h.close());

const hello = { model: 'chat', messages: [{ role: 'user', content: 'hello' }] };
const post = (headers: Record<string, string>, body: string = JSON.stringify(hello)) =>
  fetch(`${h.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

test('a 65-character x-switchyard-environment is a 400 naming the header and its limit; nothing is sent upstream', async () => {
  h.events.length = 0;
  const r = await post({ 'x-switchyard-team': 'search', 'x-switchyard-environment': 'e'.repeat(65) });
  assert.equal(r.status, 400);
  const body = (await r.json()) as { error: { message: string; param: string; code: string } };
  assert.match(body.error.message, /^header x-switchyard-environment is longer than its limit of 64 characters/);
  assert.equal(body.error.param, 'x-switchyard-environment');
  assert.equal(body.error.code, 'attribution_too_long');
  assert.equal(h.events.length, 0);
});

test('a 5,000-character x-switchyard-user is a 400 naming the header and its limit (256)', async () => {
  const r = await post({ 'x-switchyard-user': 'u'.repeat(5000) });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /header x-switchyard-user is longer than its limit of 256 characters/);
});

test('the body user field and x-switchyard-tags values are held to their limits too, naming them', async () => {
  const user = await post({}, JSON.stringify({ ...hello, user: 'u'.repeat(257) }));
  assert.equal(user.status, 400);
  assert.match(((await user.json()) as { error: { message: string } }).error.message, /body field user is longer than its limit of 256/);
  const tags = await post({ 'x-switchyard-tags': `ok=1,ticket=${'t'.repeat(257)}` });
  assert.equal(tags.status, 400);
  assert.match(
    ((await tags.json()) as { error: { message: string } }).error.message,
    /x-switchyard-tags: the value of "ticket" is longer than its limit of 256/,
  );
});

test('values at their limits keep every tag (team, project, feature, user, environment, extra)', async () => {
  h.events.length = 0;
  const openai = new OpenAI({ baseURL: `${h.origin}/v1`, apiKey: 'k', maxRetries: 0 });
  await openai.chat.completions.create(hello as OpenAI.ChatCompletionCreateParamsNonStreaming, {
    headers: {
      'x-switchyard-team': 't'.repeat(128),
      'x-switchyard-project': 'checkout',
      'x-switchyard-feature': 'autocomplete',
      'x-switchyard-user': 'u'.repeat(256),
      'x-switchyard-environment': 'e'.repeat(64),
      'x-switchyard-tags': 'ticket=T-1',
    },
  });
  const tags = h.events.at(-1)!.tags;
  assert.deepEqual(
    [tags.team.length, tags.project, tags.feature, tags.user.length, tags.environment.length, tags.extra.ticket],
    [128, 'checkout', 'autocomplete', 256, 64, 'T-1'],
  );
});

test('a text/plain body is a 415 saying to send JSON; no content-type at all is still accepted', async () => {
  const plain = await post({ 'content-type': 'text/plain' });
  assert.equal(plain.status, 415);
  assert.match(
    ((await plain.json()) as { error: { message: string } }).error.message,
    /content-type text\/plain is not supported: send the body as JSON with content-type: application\/json/,
  );
  const form = await post({ 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  const bare = await fetch(`${h.origin}/v1/chat/completions`, { method: 'POST', body: new Blob([JSON.stringify(hello)]) });
  assert.equal(bare.status, 200);
});

test('a model no route serves is a 404 naming the model and listing the ones there are (found: it named none), on both faces', async () => {
  const openai = await post({}, JSON.stringify({ ...hello, model: 'gpt-4o' }));
  assert.equal(openai.status, 404);
  const body = (await openai.json()) as { error: { message: string; code: string; param: string } };
  assert.deepEqual([body.error.code, body.error.param], ['model_not_found', 'model']);
  assert.equal(body.error.message, 'The model `gpt-4o` does not exist; the models here are `chat`');
  const count = await fetch(`${h.origin}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'hello' }] }),
  });
  assert.equal(count.status, 404);
  assert.match(JSON.stringify(await count.json()), /The model `claude-x` does not exist; the models here are `chat`/);
});

test('GET / names the endpoints and the limits instead of "unknown path"', async () => {
  const r = await fetch(`${h.origin}/`);
  assert.equal(r.status, 200);
  const index = (await r.json()) as { endpoints: string[]; limits: { request_body_bytes: number } };
  assert.ok(index.endpoints.some((e) => e.startsWith('POST /v1/chat/completions')));
  assert.ok(index.endpoints.some((e) => e.startsWith('POST /v1/messages')));
  assert.equal(index.limits.request_body_bytes, 4 * 1024 * 1024);
});
