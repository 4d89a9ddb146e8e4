import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptCostUsd, catalogRates, resolvePriceSheet } from './price-sheet.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';

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

test('catalog prices bill each token bucket once at its own rate', () => {
  const sheet = resolvePriceSheet(deployment({ model: 'o3-mini' }));
  assert.match(sheet.version, /^genai-prices@[\d.]+:openai\/o3-mini$/);
  // 800 × 1.10 + 200 cached × 0.55 + (60 output + 40 reasoning) × 4.40, per million
  assert.equal(
    attemptCostUsd({ inputTokens: 800, cachedInputTokens: 200, cacheWriteTokens: 0, outputTokens: 60, reasoningTokens: 40 }, sheet),
    '0.001430000000',
  );
});

test('tiered catalog prices switch on prompt size', () => {
  const sheet = resolvePriceSheet(deployment({ provider: 'gemini', model: 'gemini-2.5-pro' }));
  assert.equal(
    attemptCostUsd({ inputTokens: 100_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet),
    '0.125000000000',
  );
  assert.equal(
    attemptCostUsd({ inputTokens: 300_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet),
    '0.750000000000',
  );
});

test('a negotiated override replaces the catalog and is named in the price version', () => {
  const sheet = resolvePriceSheet(deployment({ price: { input_per_mtok: '0.1', output_per_mtok: '0.2' } }));
  assert.equal(sheet.version, 'override:0.1/0.1/0.1/0.2');
  assert.equal(
    attemptCostUsd({ inputTokens: 1000, cachedInputTokens: 1000, cacheWriteTokens: 0, outputTokens: 1000, reasoningTokens: 0 }, sheet),
    '0.000400000000',
  );
});

test('a model without a known price is a startup error, never free', () => {
  assert.throws(
    () => resolvePriceSheet(deployment({ name: 'local-llama', provider: 'openai-compatible', model: 'llama-3-8b' })),
    /deployment "local-llama": no catalog price for model "llama-3-8b".*price\.input_per_mtok/,
  );
});

test('cache writes bill at the cache-write rate, apart from uncached input and cache reads', () => {
  const sheet = resolvePriceSheet(deployment({ provider: 'anthropic', model: 'claude-3-5-haiku-latest' }));
  // Anthropic: 0.80 input, 0.08 cache read, 1.00 cache write, 4.00 output per million
  assert.equal(attemptCostUsd({ inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.000800000000');
  assert.equal(attemptCostUsd({ inputTokens: 0, cachedInputTokens: 1000, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.000080000000');
  assert.equal(attemptCostUsd({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 1000, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.001000000000');
});

test('an unpriced model takes the configured default price, named in the price version', () => {
  const sheet = resolvePriceSheet(deployment({ name: 'local-llama', provider: 'openai-compatible', model: 'llama-3-8b' }), {
    input_per_mtok: '0.5',
    output_per_mtok: '1.5',
  });
  assert.equal(sheet.version, 'default:0.5/0.5/0.5/1.5');
  assert.equal(
    attemptCostUsd({ inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1000, reasoningTokens: 0 }, sheet),
    '0.002000000000',
  );
});

test('an embedding model the catalog prices by input only resolves from the catalog, its output at 0', () => {
  const sheet = resolvePriceSheet(deployment({ model: 'text-embedding-3-small' }));
  assert.match(sheet.version, /^genai-prices@[\d.]+:openai\/text-embedding-3-small$/);
  // 1,234 input tokens × $0.02 per million
  assert.equal(attemptCostUsd({ inputTokens: 1234, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.000024680000');
  assert.equal(resolvePriceSheet(deployment({ provider: 'gemini', model: 'gemini-embedding-001' })).input, 0.15);
});

test('a catalog entry with an input price and no output price is a gap for any model but an embedding one', () => {
  assert.deepEqual(catalogRates('some-chat-model', { input_mtok: 1 }, 'openai'), { missing: 'output' });
  const embedding = catalogRates('text-embedding-9', { input_mtok: 0.05 }, 'openai');
  assert.ok('rates' in embedding);
  assert.equal(embedding.rates.output, 0);
  assert.equal(embedding.rates.input, 0.05);
});
