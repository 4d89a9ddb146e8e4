import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTagsSchema } from '../../core/events/attempt-event.ts';
import type { ChatCompletion, ChatRequest } from '../providers/provider.ts';
import { DegradationCache } from './degradation-cache.ts';

const completion = (text: string): ChatCompletion => ({
  id: 'c',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const req = (content: string, stream = false): ChatRequest => ({ model: 'chat', stream, messages: [{ role: 'user', content }] });
const tags = (team: string) => attemptTagsSchema.parse({ team, api_key_id: 'k' });

test('identical requests share an entry (streaming or not); different prompts and tenants do not', () => {
  const key = DegradationCache.key(req('hi'), tags('a'));
  assert.equal(DegradationCache.key(req('hi', true), tags('a')), key);
  assert.notEqual(DegradationCache.key(req('hello'), tags('a')), key);
  assert.notEqual(DegradationCache.key(req('hi'), tags('b')), key, 'another team never gets this answer');
});

test('entries expire and the oldest go first when full', () => {
  let now = 0;
  const cache = new DegradationCache({ now: () => now }, 2);
  cache.put('a', completion('A'), 1000);
  cache.put('b', completion('B'), 1000);
  cache.put('c', completion('C'), 1000);
  assert.equal(cache.get('a'), null);
  assert.equal(cache.get('b')?.choices[0]!.message.content, 'B');
  now = 1000;
  assert.equal(cache.get('c'), null);
});

test('the byte bound evicts the least recently used answers, and an answer larger than the bound is not kept', () => {
  const size = Buffer.byteLength(JSON.stringify(completion('x'.repeat(100))));
  const cache = new DegradationCache({ now: () => 5 }, 1000, size * 2);
  cache.put('a', completion('x'.repeat(100)), 60_000);
  cache.put('b', completion('y'.repeat(100)), 60_000);
  cache.get('a'); // a used again: b is now the least recently used
  cache.put('c', completion('z'.repeat(100)), 60_000);
  assert.deepEqual(
    ['a', 'b', 'c'].map((k) => cache.get(k) !== null),
    [true, false, true],
  );
  cache.put('huge', completion('h'.repeat(size * 3)), 60_000);
  assert.equal(cache.get('huge'), null);
  assert.notEqual(cache.get('a'), null, 'refusing the huge answer evicted nothing');
});
