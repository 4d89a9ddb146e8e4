import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTagsSchema } from '../../core/events/attempt-event.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import { apiKeyId, tagsFromHeaders } from './request-tags.ts';

// tagsFromHeaders skips the tag schema for values within its limits: its answer must be exactly
// what the schema outputs for the same values — content and key order (events are JSON).
const cases: Array<{ headers: Record<string, string>; bodyUser?: string }> = [
  { headers: {} },
  { headers: { authorization: 'Bearer sk-one' } },
  {
    headers: {
      authorization: 'bearer   sk-two',
      'x-switchyard-team': ' payments ',
      'x-switchyard-project': 'p',
      'x-switchyard-feature': 'f',
      'x-switchyard-environment': 'prod',
      'x-switchyard-tags': 'a=1, b = 2,bad key=3,noeq,__proto__=x,c=',
    },
    bodyUser: 'body-user',
  },
  { headers: { 'x-switchyard-user': 'header-user' }, bodyUser: 'body-user' },
  { headers: { 'x-switchyard-team': 't'.repeat(128), 'x-switchyard-user': 'u'.repeat(256), 'x-switchyard-environment': 'e'.repeat(64) } },
];

test('tags within their limits: the same values in the same key order as the schema outputs', () => {
  for (const { headers, bodyUser } of cases) {
    const tags = tagsFromHeaders(headers, bodyUser);
    assert.ok(!(tags instanceof DispatchError));
    const h = (n: string) => headers[n]?.trim() ?? '';
    const expected = attemptTagsSchema.parse({
      team: h('x-switchyard-team'),
      project: h('x-switchyard-project'),
      feature: h('x-switchyard-feature'),
      user: h('x-switchyard-user') || bodyUser || '',
      environment: h('x-switchyard-environment'),
      api_key_id: apiKeyId(h('authorization')),
      extra: tags.extra,
    });
    assert.equal(JSON.stringify(tags), JSON.stringify(expected));
    assert.deepEqual(tags, expected);
  }
});

test('one character over a limit is still refused by the schema, naming the header and the limit', () => {
  const over = tagsFromHeaders({ 'x-switchyard-environment': 'e'.repeat(65) }, undefined);
  assert.ok(over instanceof DispatchError);
  assert.equal(
    over.message,
    'header x-switchyard-environment is longer than its limit of 64 characters; attribution values must fit their limits (see README "Limits")',
  );
  const user = tagsFromHeaders({}, 'u'.repeat(257));
  assert.ok(user instanceof DispatchError);
  assert.match(user.message, /^body field user is longer than its limit of 256 characters/);
});

test('the key id is the same on every call (cached) and differs per key', () => {
  const a = apiKeyId('Bearer sk-a');
  assert.equal(apiKeyId('Bearer sk-a'), a);
  assert.match(a, /^key_[0-9a-f]{16}$/);
  assert.notEqual(apiKeyId('Bearer sk-b'), a);
  assert.equal(apiKeyId('Bearer '), '');
});
