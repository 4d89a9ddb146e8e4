import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AfterAnswer } from '../collector/dispatch/after-answer.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

// The collector answers first and records after: the attempt event is built and published once
// the answer is written (collector/dispatch/after-answer.ts), and still exactly once, complete.

let h: CollectorHarness;
before(async () => {
  h = await startCollectorHarness({ afterAnswer: new AfterAnswer() });
});
after(() => h.close());

test('the answer is written before its attempt event is built, and the event follows with its usage and cost', async () => {
  const publishedWhenAnswered: number[] = [];
  h.server.prependListener('request', (_req, res) => {
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.end = ((...a: unknown[]) => {
      publishedWhenAnswered.push(h.events.length);
      return end(...a);
    }) as typeof res.end;
  });
  const res = await fetch(`${h.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer any' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
  assert.equal(res.status, 200);
  assert.deepEqual(publishedWhenAnswered, [0], 'no event yet when the answer went out');
  await nextTurn();
  assert.equal(h.events.length, 1);
  const [event] = h.events;
  assert.equal(event!.status, 'ok');
  assert.equal(event!.is_final, true);
  assert.equal(event!.input_tokens, body.usage.prompt_tokens);
  assert.equal(event!.output_tokens, body.usage.completion_tokens);
  assert.match(event!.cost_usd, /^\d+\.\d+$/);
  assert.ok(Date.parse(event!.ended_at) <= Date.now());
});
