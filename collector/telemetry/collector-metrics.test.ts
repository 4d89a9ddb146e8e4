import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timePerOutputTokenMs } from './collector-metrics.ts';

test('time per output token is decode time over the tokens after the first, streams only', () => {
  assert.equal(timePerOutputTokenMs({ is_stream: true, ttft_ms: 100, latency_ms: 1100, output_tokens: 41, reasoning_tokens: 0 }), 25);
  assert.equal(timePerOutputTokenMs({ is_stream: true, ttft_ms: 100, latency_ms: 1100, output_tokens: 1, reasoning_tokens: 100 }), 10);
  assert.equal(timePerOutputTokenMs({ is_stream: false, ttft_ms: null, latency_ms: 1100, output_tokens: 41, reasoning_tokens: 0 }), null);
  assert.equal(timePerOutputTokenMs({ is_stream: true, ttft_ms: 100, latency_ms: 1100, output_tokens: 1, reasoning_tokens: 0 }), null);
});
