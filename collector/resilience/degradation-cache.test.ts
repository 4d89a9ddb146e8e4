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
