import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countPromptTokens } from './prompt-tokens.ts';
import type { ChatRequest } from '../providers/provider.ts';

const ask = (over: Partial<ChatRequest>): ChatRequest => ({ model: 'chat', stream: false, messages: [{ role: 'user', content: 'hello world' }], ...over });

test('text is counted with the real tokenizer, plus chat framing', () => {
  // "hello world" is 2 tokens in o200k; 4 framing for the message, 3 for the reply primer.
  assert.equal(countPromptTokens(ask({})), 9);
  const long = countPromptTokens(ask({ messages: [{ role: 'user', content: 'hello world '.repeat(500) }] }));
  assert.ok(long > 900 && long < 1100, String(long));
});

test('string content and text parts count the same', () => {
  assert.equal(countPromptTokens(ask({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }] }] })), 9);
});

test('images, tool definitions and earlier tool calls add to the prompt', () => {
  const base = countPromptTokens(ask({}));
  const image = (detail: 'low' | 'high') =>
    countPromptTokens(
      ask({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hello world' },
              { type: 'image_url', image_url: { url: 'https://x/y.png', detail } },
            ],
          },
        ],
      }),
    );
  assert.equal(image('low') - base, 85);
  assert.equal(image('high') - base, 765);
  const tools = countPromptTokens(
    ask({ tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] }),
  );
  assert.ok(tools - base > 10);
  const called = countPromptTokens(
    ask({
      messages: [
        { role: 'user', content: 'hello world' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      ],
    }),
  );
  assert.ok(called - base > 8);
});
