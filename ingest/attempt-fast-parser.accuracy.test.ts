import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttemptEvent, serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { benchEvent } from '../bench/ingest-bench-events.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';
import { createAttemptParser } from './attempt-fast-parser.ts';
import { toAttemptRow } from './attempt-row.ts';

const rates = { input_per_mtok: '0.15', cached_input_per_mtok: '0.075', cache_write_per_mtok: '0', output_per_mtok: '0.6' };
const buckets = { input: '0.000015000000', cached_input: '0', cache_write: '0', output: '0.000030000000', reasoning: '0' };
const priced = () => sampleAttemptEvent({ pricing: rates, list_pricing: rates, cost_by_bucket: buckets, list_cost_usd: '0.000045000000' });
const base = (): Record<string, unknown> => JSON.parse(serializeAttemptEvent(sampleAttemptEvent())) as Record<string, unknown>;
const without = (key: string) => {
  const e = base();
  delete e[key];
  return e;
};

/** Events the contract accepts: today's shapes, an older event without the later fields, a newer one with unknown fields. */
const valid: unknown[] = [
  sampleAttemptEvent(),
  priced(),
  // A 1-hour cache write is a breakdown of cache_write, not a sixth bucket: the five still sum to cost_usd.
  sampleAttemptEvent({
    pricing: { ...rates, cache_write_1h_per_mtok: '0.3' },
    list_pricing: rates,
    cost_usd: '0.000045000000',
    cost_by_bucket: { ...buckets, input: '0.000010000000', cache_write: '0.000005000000', cache_write_1h: '0.000003000000' },
    list_cost_usd: '0.000045000000',
  }),
  benchEvent(7, Date.now()),
  sampleAttemptEvent({ content: { prompt: 'hi', completion: 'there' }, parity: 'ok', usage_estimated: true }),
  sampleAttemptEvent({ shadow: { of: 'openai-primary', match: false, differences: ['finish_reason'] }, status: 'a_newer_status' }),
  sampleAttemptEvent({ budget: { decision: 'delay', reserved_usd: '0.5', delay_ms: 12.6, limited_by: 'team:search' }, ttft_ms: 40 }),
  // 33 astral characters are 66 UTF-16 units: within the 64 the contract allows, as it counts code points.
  sampleAttemptEvent({ tags: { team: '', project: '', feature: '', user: '', api_key_id: '', environment: '🚀'.repeat(33), extra: { a: 'b' } } }),
  { ...base(), started_at: '2026-11-30T12:00:00+02:00', a_field_from_v1_9: { nested: true } },
  (() => {
    const e = base();
    for (const k of [
      'cache_write_tokens',
      'finish_reason',
      'provider_fields',
      'tier',
      'budget',
      'content',
      'pricing',
      'list_pricing',
      'cost_by_bucket',
      'list_cost_usd',
    ])
      delete e[k];
    e.tags = { team: 'only-team' };
    return e;
  })(),
];

/** Poison: every kind of defect the contract names. */
const poison: string[] = [
  '{not json',
  '[]',
  'null',
  JSON.stringify({ ...base(), attempt_id: 'nope', cost_usd: 0.5, status: 'Great!' }),
  JSON.stringify({ ...base(), schema_version: 2 }),
  JSON.stringify({ ...base(), http_status: 999 }),
  JSON.stringify({ ...base(), input_tokens: 1.5 }),
  JSON.stringify({ ...base(), input_tokens: -1 }),
  JSON.stringify({ ...base(), latency_ms: '200' }),
  JSON.stringify({ ...base(), started_at: '2026-02-30T00:00:00Z' }),
  JSON.stringify({ ...base(), ended_at: '2026-11-30 12:00:00' }),
  JSON.stringify({ ...base(), route: '' }),
  JSON.stringify({ ...base(), cost_usd: '0.1234567890123' }),
  JSON.stringify({ ...base(), fallback_reason: 'Rate Limited' }),
  // 65 astral characters: zod counts code points, so the compiled validator must too.
  JSON.stringify({ ...base(), tags: { ...sampleAttemptEvent().tags, environment: '🚀'.repeat(65) } }),
  JSON.stringify({ ...base(), tags: { ...sampleAttemptEvent().tags, extra: { a: 1 } } }),
  JSON.stringify({ ...base(), budget: { decision: 'allow', reserved_usd: '-1' } }),
  JSON.stringify({ ...base(), content: { prompt: 'only' } }),
  JSON.stringify({ ...base(), shadow: { of: 'x', match: true, differences: Array(9).fill('tool_names') } }),
  JSON.stringify({ ...priced(), cost_usd: '0.000045000001' }),
  JSON.stringify({ ...priced(), pricing: { ...rates, output_per_mtok: '1e3' } }),
  JSON.stringify({ ...priced(), cost_by_bucket: { ...buckets, cache_write_1h: '-0.1' } }),
  JSON.stringify(without('tags')),
  JSON.stringify(without('attempt_id')),
  JSON.stringify(without('ttft_ms')),
];

test('the compiled validator accepts what the contract accepts, and the rows it yields are the rows zod yields', () => {
  const parse = createAttemptParser();
  for (const event of valid) {
    const raw = JSON.stringify(event);
    const fast = parse(raw);
    const zod = parseAttemptEvent(raw);
    assert.ok(zod.ok, `zod refused a sample meant to be valid: ${raw}`);
    assert.ok(fast.ok, `refused ${raw}: ${fast.ok ? '' : fast.error}`);
    assert.deepEqual(toAttemptRow(fast.event), toAttemptRow(zod.event));
  }
  assert.equal(parse.stats.fast, valid.length, 'every valid event took the compiled path');
});

test('a poison event is refused with the defect zod names, every field included', () => {
  const parse = createAttemptParser();
  for (const raw of poison) {
    const fast = parse(raw);
    const zod = parseAttemptEvent(raw);
    assert.ok(!zod.ok, `zod accepted a sample meant to be poison: ${raw}`);
    assert.ok(!fast.ok, `accepted poison ${raw}`);
    assert.equal(fast.error, zod.error);
  }
  assert.equal(parse.stats.slow, poison.length);
  const named = parse(JSON.stringify({ ...base(), attempt_id: 'nope', cost_usd: 0.5 }));
  assert.ok(!named.ok);
  assert.match(named.error, /attempt_id: must be a UUID/);
  assert.match(named.error, /cost_usd: /);
  const unbalanced = parse(JSON.stringify({ ...priced(), cost_usd: '0.000045000001' }));
  assert.ok(!unbalanced.ok);
  assert.match(unbalanced.error, /cost_by_bucket: buckets sum to 0\.000045000000, not cost_usd 0\.000045000001/);
});
