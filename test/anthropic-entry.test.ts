import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// The official Anthropic SDK against the shim's /v1/messages, routed to any provider.
let h: CollectorHarness;
let anthropic: Anthropic;

// Start on the Gemini deployment: an Anthropic client served by another provider.
before(async () => {
  h = await startCollectorHarness({ seed: 21, firstChoice: 'gemini-backup' });
  anthropic = new Anthropic({ baseURL: h.origin, apiKey: 'sk-ant-client', maxRetries: 0 });
});
after(() => h.close());

test('messages.create answers in Anthropic shape, served by whichever provider the route picks', async () => {
  h.events.length = 0;
  const m = await anthropic.messages.create({ model: 'chat', max_tokens: 64, system: 'be brief', messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(m.type, 'message');
  assert.equal(m.content[0]!.type, 'text');
  assert.ok((m.content[0] as { text: string }).text.length > 0);
  assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
  assert.ok(['end_turn', 'max_tokens'].includes(m.stop_reason!));
  assert.equal(h.events[0]!.provider, 'gemini');
});

test('streaming through the SDK assembles the full message; a failing provider is replaced before the first token', async () => {
  h.sim.setFaults(simulatedUpstreams.gemini, { errorRates: { '500': 1 } });
  h.events.length = 0;
  const final = await anthropic.messages.stream({ model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'stream' }] }).finalMessage();
  assert.ok((final.content[0] as { text: string }).text.length > 10);
  assert.ok(final.usage.output_tokens > 0);
  assert.deepEqual(
    h.events.map((e) => [e.provider, e.status]),
    [
      ['gemini', 'error'],
      ['openai', 'ok'],
    ],
  );
  h.sim.clearFaults();
});

test('a stream cut after commit surfaces as an error in the SDK, never as a clean message', async () => {
  h.sim.setFaults(simulatedUpstreams.gemini, { streamCutAfterChunks: 3 });
  await assert.rejects(anthropic.messages.stream({ model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] }).finalMessage());
  h.sim.clearFaults();
});

test('bad requests get Anthropic-style errors naming the field', async () => {
  await assert.rejects(
    anthropic.messages.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    (err: InstanceType<typeof Anthropic.BadRequestError>) =>
      err.status === 400 &&
      (err.error as { error: { type: string; message: string } }).error.message === 'max_tokens: Field required' &&
      (err.error as { error: { type: string } }).error.type === 'invalid_request_error',
  );
  await assert.rejects(
    anthropic.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (err: InstanceType<typeof Anthropic.NotFoundError>) => err.status === 404,
  );
  // Statuses Anthropic does not list are still the caller's to fix: invalid_request_error, not api_error (a server fault).
  const wrongMethod = await fetch(`${h.origin}/v1/messages`, { headers: { 'x-api-key': 'sk-ant-client' } });
  const notJson = await fetch(`${h.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': 'sk-ant-client', 'content-type': 'text/plain' },
    body: 'hi',
  });
  for (const [r, status] of [
    [wrongMethod, 405],
    [notJson, 415],
  ] as const) {
    assert.equal(r.status, status);
    assert.deepEqual(((await r.json()) as { type: string; error: { type: string } }).error.type, 'invalid_request_error', String(status));
  }
  // A 405 names the method to use (found by a fresh-user trial: no Allow header).
  assert.equal(wrongMethod.headers.get('allow'), 'POST');
  // A body that is not valid JSON: the parser's reason and where, never the body (it may hold a key).
  const malformed = await fetch(`${h.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': 'sk-ant-client', 'content-type': 'application/json' },
    body: '{"model": "claude", "metadata": {"user_id": "sk-ant-pasted-by-mistake"}, }',
  });
  assert.equal(malformed.status, 400);
  const refusal = (await malformed.json()) as { error: { type: string; message: string } };
  assert.equal(refusal.error.type, 'invalid_request_error');
  assert.equal(refusal.error.message, 'We could not parse the JSON body of your request: Expected double-quoted property name at character 73.');
  // Refused before dispatch, and still an id to quote (found by a fresh-user trial: none on a 4xx before dispatch).
  assert.match(malformed.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const unknownPath = await fetch(`${h.origin}/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-client' } });
  assert.equal(unknownPath.status, 404);
  assert.ok(unknownPath.headers.get('x-request-id'), 'a 404 carries an id too');
  assert.notEqual(unknownPath.headers.get('x-request-id'), malformed.headers.get('x-request-id'));
});
