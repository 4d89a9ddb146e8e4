import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest, Usage } from '../providers/provider.ts';
import { cutStreamUsage } from './usage-estimate.ts';

const request = { model: 'chat', messages: [{ role: 'user', content: 'what does this cost?' }] } as ChatRequest;
const text = 'The retries cost a team and a model, and latency too.';
const reported = (outputTokens: number, reasoningTokens = 0): Usage => ({
  inputTokens: 14,
  cachedInputTokens: 2400,
  cacheWriteTokens: 0,
  outputTokens,
  reasoningTokens,
});

test('an interim output count below what was streamed is raised to the shim’s count; the prompt buckets stay the provider’s', () => {
  const { usage, estimated } = cutStreamUsage(request, reported(1), text, '');
  assert.deepEqual(usage, { ...reported(1), outputTokens: countTokens(text) });
  assert.equal(estimated, true);
});

test('a reported count at or above what was streamed is kept as the provider’s (not estimated)', () => {
  const { usage, estimated } = cutStreamUsage(request, reported(500, 20), text, 'thinking');
  assert.deepEqual(usage, reported(500, 20));
  assert.equal(estimated, false);
});

test('reasoning streamed past its interim count is raised on its own bucket', () => {
  const thinking = 'Let me weigh the cost of each provider before I answer this carefully.';
  const { usage } = cutStreamUsage(request, reported(500, 0), text, thinking);
  assert.equal(usage.outputTokens, 500);
  assert.equal(usage.reasoningTokens, countTokens(thinking));
});

test('no usage reported at all: everything is the shim’s count', () => {
  const { usage, estimated } = cutStreamUsage(request, null, text, '');
  assert.equal(usage.outputTokens, countTokens(text));
  assert.ok(usage.inputTokens > 0);
  assert.equal(estimated, true);
});
