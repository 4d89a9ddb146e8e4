import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChatBody } from './chat-request-schema.ts';

test('a valid body becomes a canonical request; max_completion_tokens wins over max_tokens', () => {
  const r = parseChatBody({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 10,
    max_completion_tokens: 20,
    logprobs: false,
  });
  assert.ok(r.ok);
  assert.equal(r.value.request.max_tokens, 20);
  assert.equal(r.value.request.stream, true);
  assert.equal(r.value.includeUsage, true);
});

test('malformed bodies name the offending field', () => {
  const cases: Array<[unknown, string]> = [
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'chat' }, 'messages'],
    [{ model: 'chat', messages: [] }, 'messages'],
    [{ model: 'chat', messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
    [{ model: 'chat', messages: [{ role: 'user', content: 'x' }], temperature: 7 }, 'temperature'],
    [{ model: 'chat', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens'],
    [{ model: 'chat', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
  ];
  for (const [body, param] of cases) {
    const r = parseChatBody(body);
    assert.ok(!r.ok, JSON.stringify(body));
    assert.equal(r.param, param);
    assert.match(r.message, new RegExp(`^Invalid request: ${param.replace('.', '\\.')}: `));
  }
});

test('a required field left out says so (found by a fresh-user trial: "expected array, received undefined")', () => {
  for (const [body, param] of [
    [{ model: 'chat' }, 'messages'],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
  ] as const) {
    const r = parseChatBody(body);
    assert.equal(r.ok ? '' : r.message, `Invalid request: ${param}: required, but missing from the body`);
  }
});

test('content of the wrong type names what is accepted (found by a fresh-user trial: "Invalid input" alone)', () => {
  const r = parseChatBody({ model: 'chat', messages: [{ role: 'user', content: 42 }] });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /messages\.0\.content: expected a string or an array of content parts, received number/);
});
