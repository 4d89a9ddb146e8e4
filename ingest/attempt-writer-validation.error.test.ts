import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAttemptWriter } from './attempt-writer.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { DeadLetter, RawAttemptMessage } from '../core/transport/event-bus.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose().catch(() => undefined));

const messages = (values: string[], firstOffset: number): RawAttemptMessage[] =>
  values.map((value, i) => ({ key: null, value, partition: 2, offset: String(firstOffset + i) }));

test('through the compiled validator, poison is dead-lettered with its defect named and a copy is removed', async () => {
  const team = 'compiled-path';
  const tags = { ...sampleAttemptEvent().tags, team };
  const rates = { input_per_mtok: '1', cached_input_per_mtok: '0', cache_write_per_mtok: '0', output_per_mtok: '2' };
  const good = [
    sampleAttemptEvent({
      tags,
      cost_usd: '0.000200000000',
      pricing: rates,
      list_pricing: rates,
      cost_by_bucket: { input: '0.000100000000', cached_input: '0', cache_write: '0', output: '0.000100000000', reasoning: '0' },
    }),
    sampleAttemptEvent({ tags }),
    sampleAttemptEvent({ tags, cost_usd: '0.000000000001' }),
  ];
  // Poison that parses as JSON and is nearly right: only the schema (or its refinement) catches it.
  const unbalanced = JSON.stringify({ ...good[0], attempt_id: crypto.randomUUID(), cost_usd: '0.000200000001' });
  const fractionalTokens = JSON.stringify({ ...good[1], attempt_id: crypto.randomUUID(), input_tokens: 1.5 });
  const letters: DeadLetter[] = [];
  const { handle, stats } = createAttemptWriter({
    clickhouse: store.client,
    source: 'compiled-path',
    deadLetters: { send: async (l) => void letters.push(...l), close: async () => {} },
  });
  await handle(
    messages(
      [
        serializeAttemptEvent(good[0]!),
        unbalanced,
        serializeAttemptEvent(good[1]!),
        fractionalTokens,
        serializeAttemptEvent(good[0]!),
        serializeAttemptEvent(good[2]!),
      ],
      0,
    ),
  );

  assert.equal(stats.validatedFast, 4, 'the good events and the copy took the compiled path');
  assert.equal(stats.validatedByZod, 2, 'zod judged and named the poison');
  assert.equal(stats.duplicates, 1);
  assert.equal(stats.stored, 3);
  assert.equal(await scalar(store.client, `SELECT count() FROM attempts WHERE team = '${team}'`), '3');
  assert.equal(await scalar(store.client, `SELECT toString(sum(cost_usd)) FROM attempts WHERE team = '${team}'`), '0.000245000001');
  assert.deepEqual(
    letters.map((l) => [l.message.offset, l.stage]),
    [
      ['1', 'validation'],
      ['3', 'validation'],
    ],
  );
  assert.match(letters[0]!.error, /cost_by_bucket: buckets sum to [\d.]+, not cost_usd 0\.000200000001/);
  assert.match(letters[1]!.error, /input_tokens: /);
  const stored = await (
    await store.client.query({ query: "SELECT offset, error FROM rejected_events WHERE source = 'compiled-path' ORDER BY offset", format: 'JSONEachRow' })
  ).json<{ offset: string; error: string }>();
  assert.deepEqual(
    stored.map((r) => r.offset),
    ['1', '3'],
  );
  assert.equal(stored[1]!.error, letters[1]!.error);
});
