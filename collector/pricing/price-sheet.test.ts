import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptCostUsd, resolvePriceSheet } from './price-sheet.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';

const deployment = (over: Partial<DeploymentConfig>): DeploymentConfig => ({ name: 'd', provider: 'openai', base_url: 'http://x', api_key_env: 'K', model: 'gpt-4o-mini', weight: 1, region: '', ...over });

test('catalog prices bill each token bucket once at its own rate', () => {
  const sheet = resolvePriceSheet(deployment({ model: 'o3-mini' }));
  assert.match(sheet.version, /^genai-prices@[\d.]+:openai\/o3-mini$/);
  // 800 × 1.10 + 200 cached × 0.55 + (60 output + 40 reasoning) × 4.40, per million
  assert.equal(attemptCostUsd({ inputTokens: 800, cachedInputTokens: 200, outputTokens: 60, reasoningTokens: 40 }, sheet), '0.001430000000');
});

test('tiered catalog prices switch on prompt size', () => {
  const sheet = resolvePriceSheet(deployment({ provider: 'gemini', model: 'gemini-2.5-pro' }));
  assert.equal(attemptCostUsd({ inputTokens: 100_000, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.125000000000');
  assert.equal(attemptCostUsd({ inputTokens: 300_000, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 }, sheet), '0.750000000000');
});

test('a negotiated override replaces the catalog and is named in the price version', () => {
  const sheet = resolvePriceSheet(deployment({ price: { input_per_mtok: '0.1', output_per_mtok: '0.2' } }));
  assert.equal(sheet.version, 'override:0.1/0.1/0.2');
  assert.equal(attemptCostUsd({ inputTokens: 1000, cachedInputTokens: 1000, outputTokens: 1000, reasoningTokens: 0 }, sheet), '0.000400000000');
});

test('a model without a known price is a startup error, never free', () => {
  assert.throws(() => resolvePriceSheet(deployment({ name: 'local-llama', provider: 'openai-compatible', model: 'llama-3-8b' })), /deployment "local-llama": no catalog price for model "llama-3-8b".*price\.input_per_mtok/);
});
