import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceAttempt } from './attempt-pricing.ts';
import { resolvePriceSheet } from './price-sheet.ts';
import { sumUsd } from '../../core/money/decimal-usd.ts';
import { attemptCostByBucketSchema, attemptEventSchema } from '../../core/events/attempt-event.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';
import type { Usage } from '../providers/provider.ts';
import { sampleAttemptEvent } from '../../test/support/sample-event.ts';

// Each cache write is priced at the rate of its TTL: Anthropic bills a 5-minute write at 1.25×
// input and a 1-hour write at 2× input (docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing).

const haiku: DeploymentConfig = {
  name: 'claude',
  provider: 'anthropic',
  base_url: 'http://x',
  api_key_env: 'K',
  model: 'claude-3-5-haiku-latest',
  weight: 1,
  region: '',
  tier: 'standard',
  capabilities: { tools: true, vision: true, json_mode: true },
};
const usage = (over: Partial<Usage>): Usage => ({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...over });

test('1,000 five-minute writes and 3,000 one-hour writes on Claude 3.5 Haiku cost exactly $0.0058896 with 12 input and 20 output', () => {
  // catalog: input 0.8, 5m write 1, 1h write 1.6, output 4 USD/Mtok
  const p = priceAttempt(usage({ inputTokens: 12, cacheWriteTokens: 4000, cacheWrite1hTokens: 3000, outputTokens: 20 }), resolvePriceSheet(haiku));
  assert.equal(p.cost_by_bucket.cache_write, '0.005800000000', '1000 × 1 + 3000 × 1.6 µ$');
  assert.equal(p.cost_by_bucket.cache_write_1h, '0.004800000000');
  assert.equal(p.cost_usd, '0.005889600000');
  assert.equal(p.pricing.cache_write_per_mtok, '1.000000000');
  assert.equal(p.pricing.cache_write_1h_per_mtok, '1.600000000');
  assert.equal(p.list_cost_usd, p.cost_usd);
});

test('without 1-hour writes the event keeps its former shape (no breakdown key, no 1h rate)', () => {
  const p = priceAttempt(usage({ inputTokens: 12, cacheWriteTokens: 4000, outputTokens: 20 }), resolvePriceSheet(haiku));
  assert.equal(p.cost_by_bucket.cache_write, '0.004000000000');
  assert.equal('cache_write_1h' in p.cost_by_bucket, false);
  assert.equal('cache_write_1h_per_mtok' in p.pricing, false);
});

test('a negotiated Anthropic price without a 1-hour rate bills 1-hour writes at 2× its input rate, exactly', () => {
  const sheet = resolvePriceSheet({ ...haiku, price: { input_per_mtok: '0.123456789', output_per_mtok: '1', cache_write_per_mtok: '0.15432' } });
  const p = priceAttempt(usage({ cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 }), sheet);
  assert.equal(p.pricing.cache_write_1h_per_mtok, '0.246913578');
  assert.equal(p.cost_usd, '0.246913578000');
  assert.equal(p.list_pricing.cache_write_1h_per_mtok, '1.600000000', 'list price stays the catalog rate');
});

test('an explicit cache_write_1h_per_mtok wins and is part of the price version', () => {
  const sheet = resolvePriceSheet({ ...haiku, price: { input_per_mtok: '1', output_per_mtok: '2', cache_write_1h_per_mtok: '1.5' } });
  const p = priceAttempt(usage({ cacheWriteTokens: 10, cacheWrite1hTokens: 4 }), sheet);
  // 6 × 1 (5m writes at the input rate: no cache_write_per_mtok) + 4 × 1.5 µ$
  assert.equal(p.cost_usd, '0.000012000000');
  assert.match(sheet.version, /\/1h=1\.5$/);
});

test('tiered catalog rates: a prompt over 200k tokens writes for an hour at the upper tier (Sonnet 4.5: 12 USD/Mtok)', () => {
  const sheet = resolvePriceSheet({ ...haiku, model: 'claude-sonnet-4-5' });
  const p = priceAttempt(usage({ inputTokens: 1, cacheWriteTokens: 250_000, cacheWrite1hTokens: 250_000 }), sheet);
  assert.equal(p.pricing.cache_write_1h_per_mtok, '12.000000000');
  assert.equal(p.cost_by_bucket.cache_write, '3.000000000000');
});

test('more 1-hour writes reported than writes are capped at the writes (never billed twice)', () => {
  const p = priceAttempt(usage({ cacheWriteTokens: 100, cacheWrite1hTokens: 500 }), resolvePriceSheet(haiku));
  assert.equal(p.cost_by_bucket.cache_write, '0.000160000000');
});

test('the breakdown is not a sixth bucket: the event validates, and an older reader that drops it still sums to cost_usd', () => {
  const p = priceAttempt(usage({ inputTokens: 12, cacheWriteTokens: 4000, cacheWrite1hTokens: 3000, outputTokens: 20 }), resolvePriceSheet(haiku));
  const parsed = attemptEventSchema.parse({ ...sampleAttemptEvent(), ...p });
  assert.equal(parsed.cost_by_bucket?.cache_write_1h, '0.004800000000');
  assert.equal(parsed.pricing?.cache_write_1h_per_mtok, '1.600000000');
  // The reader before this field: the same object without the key, which zod strips.
  const older = attemptCostByBucketSchema.omit({ cache_write_1h: true }).parse(p.cost_by_bucket);
  assert.equal(sumUsd(Object.values(older)), p.cost_usd);
});
