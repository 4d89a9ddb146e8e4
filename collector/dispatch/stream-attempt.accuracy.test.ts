import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { chunk } from '../providers/provider-http.ts';
import type { ChatCompletionChunk, ProviderAdapter, StreamEvent } from '../providers/provider.ts';
import type { Deployment } from './route-table.ts';
import { streamAttempt, type ChunkSink } from './stream-attempt.ts';

// Thinking streamed by a reasoning model is content: the client sees it as it comes (not in one
// burst when the answer starts), and when the provider reports no usage it is counted as the
// reasoning bucket of the estimate.

const thinking = ['Let me weigh the options. ', 'Option two is cheaper.'];

function deploymentStreaming(events: (sinkOpened: () => boolean) => AsyncIterable<StreamEvent>, opened: () => boolean): Deployment {
  const adapter = {
    kind: 'anthropic',
    complete: () => Promise.reject(new Error('not used')),
    stream: () => Promise.resolve(events(opened)),
  } as unknown as ProviderAdapter;
  return { config: { name: 'd', model: 'claude' }, adapter, target: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', model: 'claude' } } as unknown as Deployment;
}

test('thinking commits the stream at its first piece, and an answer without usage counts it as reasoning tokens', async () => {
  const seen: string[] = [];
  let open = false;
  const openWhenPulled: boolean[] = [];
  const deployment = deploymentStreaming(
    async function* (sinkOpened) {
      for (const piece of thinking) {
        yield { type: 'chunk', chunk: chunk('m', 'claude', 0, { reasoning_content: piece }) };
        openWhenPulled.push(sinkOpened());
      }
      yield { type: 'chunk', chunk: chunk('m', 'claude', 0, { content: 'Take option two.' }) };
      yield { type: 'chunk', chunk: chunk('m', 'claude', 0, {}, 'stop') };
    },
    () => open,
  );
  const sink: ChunkSink = {
    open: () => {
      open = true;
      seen.push('open');
    },
    chunk: (c: ChatCompletionChunk) => seen.push(c.choices[0]!.delta.reasoning_content ?? c.choices[0]!.delta.content ?? '-'),
    fail: (m) => seen.push(`fail ${m}`),
    done: () => seen.push('done'),
  };
  const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'Which option?' }], stream: true };
  const control = { signal: new AbortController().signal, request, commit: () => {} };

  const outcome = await streamAttempt(deployment, control, sink, { now: () => 0 }, false);

  assert.deepEqual(openWhenPulled, [true, true], 'the client had the first thinking piece before the second was read');
  assert.deepEqual(seen, ['open', ...thinking, 'Take option two.', '-', 'done']);
  assert.equal(outcome.usageEstimated, true);
  assert.equal(outcome.usage.reasoningTokens, countTokens(thinking.join('')));
  assert.equal(outcome.usage.outputTokens, countTokens('Take option two.'));
});
