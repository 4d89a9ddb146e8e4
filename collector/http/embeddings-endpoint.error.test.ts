import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import { openaiEmbeddingsEndpoint } from './embeddings-endpoint.ts';

function refusal(body: unknown): { message: string; param: string | null | undefined } {
  const r = openaiEmbeddingsEndpoint.parse(body);
  assert.ok(r instanceof DispatchError, JSON.stringify(body));
  return { message: r.message, param: r.param };
}

test('a required field left out says so in chat\'s words (found by a fresh-user trial: "input: Invalid input")', () => {
  assert.deepEqual(refusal({ model: 'chat' }), { message: 'Invalid request: input: required, but missing from the body', param: 'input' });
  assert.deepEqual(refusal({ input: 'x' }), { message: 'Invalid request: model: required, but missing from the body', param: 'model' });
});

test('input of the wrong kind is not called missing', () => {
  const r = refusal({ model: 'chat', input: [] });
  assert.equal(r.param, 'input');
  assert.doesNotMatch(r.message, /missing/);
});
