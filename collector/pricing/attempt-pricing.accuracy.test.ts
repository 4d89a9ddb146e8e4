import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceAttempt } from './attempt-pricing.ts';
import { resolvePriceSheet } from './price-sheet.ts';
import { sumUsd } from '../../core/money/decimal-usd.ts';
import { attemptEventSchema } from '../../core/events/attempt-event.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';
import type { Usage } from '../providers/provider.ts';
import { sampleAttemptEvent } from '../../test/support/sample-event.ts';

const deployment = (over: Partial<DeploymentConfig>): DeploymentConfig => ({
  name: 'd',
  provider: 'openai',
  base_url: 'http://x',
  api_key_env: 'K',
  model: 'gpt-4o-mini',
  weight: 1,
  region: '',
  tier: 'standard',
  capabilities: { tools: true, vision: true, json_mode: true },
  ...over,
});
const usage = (over: Partial<Usage>): Usage => ({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...over });

test('each bucket is priced at its own rate and the buckets sum exactly to cost_usd', () => {
  const p = priceAttempt(usage({ inputTokens: 1234, cachedInputTokens: 77, outputTokens: 321, reasoningTokens: 9 }), resolvePriceSheet(deployment({})));
  assert.deepEqual(p.pricing, {
    input_per_mtok: '0.150000000',
    cached_input_per_mtok: '0.075000000',
    cache_write_per_mtok: '0.150000000',
    output_per_mtok: '0.600000000',
  });
  assert.deepEqual(p.cost_by_bucket, {
    input: '0.000185100000',
    cached_input: '0.000005775000',
    cache_write: '0.000000000000',
    output: '0.000192600000',
    reasoning: '0.000005400000',
  });
  assert.equal(sumUsd(Object.values(p.cost_by_bucket)), p.cost_usd);
  assert.deepEqual(p.list_pricing, p.pricing, 'catalog price: list = applied');
  assert.equal(p.list_cost_usd, p.cost_usd);
});

test('rates with more decimals than a picodollar round each bucket on its own, and the total still adds up', () => {
  const sheet = resolvePriceSheet(deployment({ price: { input_per_mtok: '0.123456789', output_per_mtok: '0.987654321' } }));
  const p = priceAttempt(usage({ inputTokens: 3, outputTokens: 7, reasoningTokens: 5 }), sheet);
  // 3 × 0.123456789 = 0.370370367 µ$ → 0.000000370370 $ (half-up from …367)
  assert.equal(p.cost_by_bucket.input, '0.000000370370');
  assert.equal(p.cost_by_bucket.output, '0.000006913580');
  assert.equal(p.cost_by_bucket.reasoning, '0.000004938272');
  assert.equal(p.cost_usd, sumUsd(Object.values(p.cost_by_bucket)));
});

test('a negotiated price is applied, the catalog price is the list price', () => {
  const sheet = resolvePriceSheet(deployment({ price: { input_per_mtok: '0.1', output_per_mtok: '0.5' } }));
  const p = priceAttempt(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), sheet);
  assert.equal(p.cost_usd, '0.600000000000');
  assert.equal(p.list_cost_usd, '0.750000000000');
  assert.equal(p.list_pricing.input_per_mtok, '0.150000000');
});

test('without a catalog entry the list price is the configured price', () => {
  const sheet = resolvePriceSheet(deployment({ provider: 'openai-compatible', model: 'llama-3-8b' }), { input_per_mtok: '0.5', output_per_mtok: '1.5' });
  const p = priceAttempt(usage({ inputTokens: 1000, outputTokens: 1000 }), sheet);
  assert.deepEqual(p.list_pricing, p.pricing);
  assert.equal(p.list_cost_usd, p.cost_usd);
});

test('tiered catalog rates are recorded as the tier the prompt fell in', () => {
  const sheet = resolvePriceSheet(deployment({ provider: 'gemini', model: 'gemini-2.5-pro' }));
  assert.equal(priceAttempt(usage({ inputTokens: 100_000 }), sheet).pricing.input_per_mtok, '1.250000000');
  const large = priceAttempt(usage({ inputTokens: 300_000, outputTokens: 10 }), sheet);
  assert.equal(large.pricing.input_per_mtok, '2.500000000');
  assert.equal(large.pricing.output_per_mtok, '15.000000000');
  assert.equal(large.cost_by_bucket.input, '0.750000000000');
});

test('an event whose buckets do not add up to cost_usd is refused, naming the field', () => {
  const p = priceAttempt(usage({ inputTokens: 1000, outputTokens: 10 }), resolvePriceSheet(deployment({})));
  const good = attemptEventSchema.safeParse({ ...sampleAttemptEvent(), ...p });
  assert.equal(good.success, true);
  const bad = attemptEventSchema.safeParse({ ...sampleAttemptEvent(), ...p, cost_usd: '1' });
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(), /cost_by_bucket: buckets sum to 0\.000156000000, not cost_usd 1/);
});

test('older events without pricing fields still parse, with nulls', () => {
  const { pricing: _p, list_pricing: _l, cost_by_bucket: _c, list_cost_usd: _lc, ...old } = sampleAttemptEvent();
  const parsed = attemptEventSchema.parse(old);
  assert.equal(parsed.pricing, null);
  assert.equal(parsed.cost_by_bucket, null);
  assert.equal(parsed.list_cost_usd, null);
});
