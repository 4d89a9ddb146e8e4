import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { sha256Hex } from '../collector/http/key-ring.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

const SEARCH_KEY = 'sk-sy-search-5f0c1d2e';
const INTERN_KEY = 'sk-sy-intern-99aa88bb';
let h: CollectorHarness;
let baseURL: string;

before(async () => {
  h = await startCollectorHarness({
    seed: 9,
    config: (base) =>
      parseRoutesConfig({
        routes: [...base.routes, { ...base.routes[0]!, name: 'premium' }],
        keys: [
          { id: 'search-prod', sha256: sha256Hex(SEARCH_KEY), team: 'search', project: 'autocomplete', environment: 'production' },
          { id: 'intern', sha256: sha256Hex(INTERN_KEY), team: 'interns', routes: ['chat'], max_tokens: 5, max_request_bytes: 2048 },
        ],
      }),
  });
  baseURL = `${h.origin}/v1`;
});
after(() => h.close());

const client = (apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const hello = { model: 'chat', messages: [{ role: 'user' as const, content: 'hello' }] };

test('no key or an unknown key is a 401 that never echoes the key', async () => {
  const none = await fetch(`${baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
  assert.equal(none.status, 401);
  const missing = ((await none.json()) as { error: { code: string; message: string } }).error;
  assert.equal(missing.code, 'missing_api_key');
  assert.match(missing.message, /No API key was sent.*Authorization: Bearer <key>.*x-api-key/);
  await assert.rejects(client('sk-sy-guessed-0000').chat.completions.create(hello), (err: InstanceType<typeof OpenAI.AuthenticationError>) => {
    assert.equal(err.status, 401);
    assert.equal(err.code, 'invalid_api_key', 'a wrong key is not mistaken for a missing one');
    assert.ok(!JSON.stringify(err.error).includes('sk-sy-guessed'), 'the presented key is not echoed');
    return true;
  });
  const models = await fetch(`${baseURL}/models`);
  assert.equal(models.status, 401);
});

test("a key's attribution wins over headers: a caller cannot bill another team", async () => {
  h.events.length = 0;
  await client(SEARCH_KEY).chat.completions.create(hello, { headers: { 'x-switchyard-team': 'finance', 'x-switchyard-feature': 'suggest' } });
  const tags = h.events[0]!.tags;
  assert.deepEqual(
    [tags.api_key_id, tags.team, tags.project, tags.environment, tags.feature],
    ['search-prod', 'search', 'autocomplete', 'production', 'suggest'],
  );
  assert.ok(!JSON.stringify(h.events).includes(SEARCH_KEY), 'the key is not in the event');
});

test('a key limited to some routes sees only those and is refused the others', async () => {
  const intern = client(INTERN_KEY);
  assert.deepEqual(
    (await intern.models.list()).data.map((m) => m.id),
    ['chat'],
  );
  assert.deepEqual((await client(SEARCH_KEY).models.list()).data.map((m) => m.id).sort(), ['chat', 'premium']);
  // models.retrieve (GET /v1/models/{id}) answers the same way: a route the key may not use does not exist for it.
  assert.deepEqual(await client(SEARCH_KEY).models.retrieve('premium'), { id: 'premium', object: 'model', created: 0, owned_by: 'switchyard' });
  await assert.rejects(
    intern.models.retrieve('premium'),
    (err: InstanceType<typeof OpenAI.NotFoundError>) => err.status === 404 && err.code === 'model_not_found',
  );
  await assert.rejects(
    intern.chat.completions.create({ ...hello, model: 'premium' }),
    (err: InstanceType<typeof OpenAI.PermissionDeniedError>) => err.status === 403 && err.param === 'model',
  );
});

test("max_tokens above the key's cap is refused; without one the cap applies", async () => {
  const intern = client(INTERN_KEY);
  await assert.rejects(
    intern.chat.completions.create({ ...hello, max_tokens: 500 }),
    (err: InstanceType<typeof OpenAI.BadRequestError>) => err.status === 400 && err.param === 'max_tokens' && /limit of 5/.test(err.message),
  );
  // The error names the field the caller sent (a fresh-user trial got "max_tokens" for max_completion_tokens).
  await assert.rejects(
    intern.chat.completions.create({ ...hello, max_completion_tokens: 500 }),
    (err: InstanceType<typeof OpenAI.BadRequestError>) =>
      err.status === 400 && err.param === 'max_completion_tokens' && /max_completion_tokens 500 exceeds .*limit of 5/.test(err.message),
  );
  const capped = await intern.chat.completions.create(hello);
  assert.ok(capped.usage!.completion_tokens <= 5);
  assert.equal(capped.choices[0]!.finish_reason, 'length');
});

test("a body over the key's size cap is a 413", async () => {
  const big = { ...hello, messages: [{ role: 'user', content: 'x'.repeat(4096) }] };
  const r = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${INTERN_KEY}` }, body: JSON.stringify(big) });
  assert.equal(r.status, 413);
});

test('GET /v1/models/{id} with a malformed escape is a 404 naming the model, not a crash', async () => {
  const r = await fetch(`${baseURL}/models/%E0%A4%A`, { headers: { authorization: `Bearer ${SEARCH_KEY}` } });
  assert.equal(r.status, 404);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'model_not_found');
});
