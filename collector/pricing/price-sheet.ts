import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { isEmbeddingModel } from '../config/model-kind.ts';
import type { Usage } from '../providers/provider.ts';
import type { DeploymentConfig, PriceOverride } from '../config/routes-config.ts';
import { formatScaled, picoToUsd, tokenCostPico, toScaled } from '../../core/money/decimal-usd.ts';

/** The catalog package does not export its package.json, so read it beside its entry point. */
function readCatalogVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return `genai-prices@${pkg.version}`;
}
const catalogVersion = readCatalogVersion();

export type Rate = number | string | { base: number; tiers: Array<{ start: number; price: number }> };

/** Per-million-token USD rates by token direction; reasoning tokens bill at `output`. */
export interface RateCard {
  input: Rate;
  output: Rate;
  cachedInput: Rate;
  /** Input written to the provider's prompt cache for its default TTL (Anthropic: 5 minutes, 1.25× input). */
  cacheWrite: Rate;
  /**
   * Input written to the cache for one hour (Anthropic `ttl: "1h"`: 2× input,
   * docs.anthropic.com prompt-caching#pricing); absent: priced as `cacheWrite`.
   */
  cacheWrite1h?: Rate;
}

/** Per-million-token USD rates for one deployment, from the catalog or a negotiated override. */
export interface PriceSheet extends RateCard {
  /** Public catalog rates (FOCUS list price); the applied rates when there is no catalog entry. */
  list: RateCard;
  /** Recorded on every attempt so a cost can be traced to the prices that made it. */
  version: string;
}

const catalogProviderId: Record<DeploymentConfig['provider'], string | null> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  'openai-compatible': null,
};

/** Anthropic bills a 1-hour cache write at twice the base input rate, whatever the model. */
const ANTHROPIC_1H_WRITE_FACTOR = 2n;

/** `rate × 2`, exact (strings through 9-decimal fixed point), tier by tier. */
function doubled(rate: Rate): Rate {
  if (typeof rate === 'object') return { base: rate.base * 2, tiers: rate.tiers.map((t) => ({ start: t.start, price: t.price * 2 })) };
  return formatScaled(toScaled(rate, 9) * ANTHROPIC_1H_WRITE_FACTOR, 9);
}

/**
 * The 1-hour cache-write rate when none is given: 2× input on Anthropic (its published rule);
 * elsewhere there is no separate TTL price, so the cache-write rate.
 */
function defaultHourWrite(provider: DeploymentConfig['provider'], input: Rate, write: Rate): Rate {
  return provider === 'anthropic' ? doubled(input) : write;
}

function configuredSheet(p: PriceOverride, origin: 'override' | 'default', provider: DeploymentConfig['provider'], list: RateCard | null): PriceSheet {
  const cached = p.cached_input_per_mtok ?? p.input_per_mtok;
  const write = p.cache_write_per_mtok ?? p.input_per_mtok;
  const hour = p.cache_write_1h_per_mtok ?? defaultHourWrite(provider, p.input_per_mtok, write);
  const rates: RateCard = { input: p.input_per_mtok, output: p.output_per_mtok, cachedInput: cached, cacheWrite: write, cacheWrite1h: hour };
  const hourTag = p.cache_write_1h_per_mtok === undefined ? '' : `/1h=${p.cache_write_1h_per_mtok}`;
  return { ...rates, list: list ?? rates, version: `${origin}:${p.input_per_mtok}/${cached}/${write}/${p.output_per_mtok}${hourTag}` };
}

/*
 * The catalog lists only an input price for embedding models (they produce no output tokens);
 * for every other model a missing output price is a gap in the catalog, and billing output at 0
 * there would make a chat model's answers free. So only an entry whose model is an embedding
 * model (isEmbeddingModel: every input-only openai and google entry of genai-prices today) takes
 * output at 0; routing keeps chat requests off such deployments (routing/capabilities.ts).
 */

/** A catalog entry's rates, or `missing: 'output'` when it has an input price and no usable output price. */
export type CatalogRates = { rates: RateCard } | { missing: 'output' };

/**
 * The rate card of one catalog entry (`modelId` as the catalog names it, `price` its current
 * ModelPrice, USD per million tokens). Pure. An input-only entry prices output at 0 only for an
 * embedding model (isEmbeddingModel); for any other it is `{ missing: 'output' }`.
 */
export function catalogRates(modelId: string, price: ModelPrice & { input_mtok: Rate }, provider: DeploymentConfig['provider']): CatalogRates {
  if (price.output_mtok === undefined && !isEmbeddingModel(modelId)) return { missing: 'output' };
  const cacheWrite = price.cache_write_mtok ?? price.input_mtok;
  return {
    rates: {
      input: price.input_mtok,
      output: price.output_mtok ?? 0,
      cachedInput: price.cache_read_mtok ?? price.input_mtok,
      cacheWrite,
      cacheWrite1h: price['cache_write_1h_mtok'] ?? defaultHourWrite(provider, price.input_mtok, cacheWrite),
    },
  };
}

function catalogEntry(deployment: DeploymentConfig): (CatalogRates & { version: string }) | null {
  const providerId = catalogProviderId[deployment.provider];
  const found = providerId ? calcPrice({ input_tokens: 1, output_tokens: 1 }, deployment.model, { providerId }) : null;
  const price: ModelPrice | undefined = found?.model_price;
  if (!found || !price || price.input_mtok === undefined) return null;
  return {
    ...catalogRates(found.model.id, { ...price, input_mtok: price.input_mtok }, deployment.provider),
    version: `${catalogVersion}:${found.provider.id}/${found.model.id}`,
  };
}

/**
 * Resolves prices at startup: the deployment's negotiated price, else the catalog, else the
 * configured default price. Without any of these it is a config error: a model is never free.
 * An embedding model's input-only catalog entry prices output at 0 (see catalogRates).
 */
export function resolvePriceSheet(deployment: DeploymentConfig, defaultPrice?: PriceOverride): PriceSheet {
  const lookup = catalogEntry(deployment);
  const catalog = lookup && 'rates' in lookup ? { rates: lookup.rates, version: lookup.version } : null;
  if (deployment.price) return configuredSheet(deployment.price, 'override', deployment.provider, catalog?.rates ?? null);
  if (catalog) return { ...catalog.rates, list: catalog.rates, version: catalog.version };
  if (defaultPrice) return configuredSheet(defaultPrice, 'default', deployment.provider, null);
  const what = lookup ? 'the catalog lists an input price but no output price' : 'no catalog price';
  throw new ConfigError(
    `deployment "${deployment.name}": ${what} for model "${deployment.model}" (${deployment.provider}); ` +
      'set price.input_per_mtok and price.output_per_mtok on the deployment, or a default_price for the file',
  );
}

/**
 * Exact cost of one attempt: each disjoint bucket at its own rate; reasoning tokens bill at the
 * output rate, cache reads and writes at theirs.
 */
export function attemptCostUsd(usage: Usage, sheet: RateCard): string {
  return picoToUsd(attemptCostPico(usage, sheet));
}

/**
 * The same in picodollars (10^-12 USD), for arithmetic such as budgets. Each bucket is rounded on
 * its own (see `bucketCostsPico`), so the total always equals the sum of the recorded buckets.
 */
export function attemptCostPico(usage: Usage, sheet: RateCard): bigint {
  const b = bucketCostsPico(usage, sheet);
  return b.input + b.cachedInput + b.cacheWrite + b.output + b.reasoning;
}

export interface BucketCostsPico {
  input: bigint;
  cachedInput: bigint;
  /** Every cache write, whatever its TTL (the 5-minute part plus `cacheWrite1h`). */
  cacheWrite: bigint;
  /** Of `cacheWrite`: the writes with a 1-hour TTL, at their own rate. Not a sixth bucket. */
  cacheWrite1h: bigint;
  output: bigint;
  reasoning: bigint;
}

/** Of the cache writes, those with a 1-hour TTL (never more than the writes). */
export function hourWriteTokens(usage: Usage): number {
  return Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
}

/**
 * Picodollars per token bucket: `tokens × rate` half-up to 10^-12 USD, bucket by bucket; the
 * cache writes of each TTL are rounded on their own and then added.
 */
export function bucketCostsPico(usage: Usage, sheet: RateCard): BucketCostsPico {
  const rates = appliedRates(usage, sheet);
  const hour = hourWriteTokens(usage);
  const hourCost = tokenCostPico(hour, rates.cacheWrite1h);
  return {
    input: tokenCostPico(usage.inputTokens, rates.input),
    cachedInput: tokenCostPico(usage.cachedInputTokens, rates.cachedInput),
    cacheWrite: tokenCostPico(usage.cacheWriteTokens - hour, rates.cacheWrite) + hourCost,
    cacheWrite1h: hourCost,
    output: tokenCostPico(usage.outputTokens, rates.output),
    reasoning: tokenCostPico(usage.reasoningTokens, rates.output),
  };
}

/** The flat rates this usage is billed at: tiered prices resolved by its prompt size. */
export function appliedRates(
  usage: Usage,
  sheet: RateCard,
): { input: number | string; cachedInput: number | string; cacheWrite: number | string; cacheWrite1h: number | string; output: number | string } {
  const promptTokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return {
    input: rateFor(sheet.input, promptTokens),
    cachedInput: rateFor(sheet.cachedInput, promptTokens),
    cacheWrite: rateFor(sheet.cacheWrite, promptTokens),
    cacheWrite1h: rateFor(sheet.cacheWrite1h ?? sheet.cacheWrite, promptTokens),
    output: rateFor(sheet.output, promptTokens),
  };
}

/** Tiered catalog prices switch the whole request to the tier its prompt size falls in. */
function rateFor(rate: Rate, promptTokens: number): number | string {
  if (typeof rate !== 'object') return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (promptTokens > tier.start) price = tier.price;
  return price;
}

/** Input plus output USD per million tokens at base tier: how `cost` routing compares deployments. */
export function blendedPrice(sheet: PriceSheet): number {
  return baseRate(sheet.input) + baseRate(sheet.output);
}

function baseRate(rate: Rate): number {
  return Number(typeof rate === 'object' ? rate.base : rate);
}
