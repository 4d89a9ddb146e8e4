import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import type { Usage } from '../providers/provider.ts';
import type { DeploymentConfig } from '../config/routes-config.ts';
import { picoToUsd, tokenCostPico } from './decimal-usd.ts';

/** The catalog package does not export its package.json, so read it beside its entry point. */
function readCatalogVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return `genai-prices@${pkg.version}`;
}
const catalogVersion = readCatalogVersion();

type Rate = number | string | { base: number; tiers: Array<{ start: number; price: number }> };

/** Per-million-token USD rates for one deployment, from the catalog or a negotiated override. */
export interface PriceSheet {
  input: Rate;
  output: Rate;
  cachedInput: Rate;
  /** Recorded on every attempt so a cost can be traced to the prices that made it. */
  version: string;
}

const catalogProviderId: Record<DeploymentConfig['provider'], string | null> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  'openai-compatible': null,
};

/** Resolves prices at startup; a deployment without a known price is a config error, never free. */
export function resolvePriceSheet(deployment: DeploymentConfig): PriceSheet {
  if (deployment.price) {
    const p = deployment.price;
    return {
      input: p.input_per_mtok,
      output: p.output_per_mtok,
      cachedInput: p.cached_input_per_mtok ?? p.input_per_mtok,
      version: `override:${p.input_per_mtok}/${p.cached_input_per_mtok ?? p.input_per_mtok}/${p.output_per_mtok}`,
    };
  }
  const providerId = catalogProviderId[deployment.provider];
  const found = providerId ? calcPrice({ input_tokens: 1, output_tokens: 1 }, deployment.model, { providerId }) : null;
  const price: ModelPrice | undefined = found?.model_price;
  if (!price || price.input_mtok === undefined || price.output_mtok === undefined) {
    throw new ConfigError(
      `deployment "${deployment.name}": no catalog price for model "${deployment.model}" (${deployment.provider}); ` +
        'set price.input_per_mtok and price.output_per_mtok on the deployment',
    );
  }
  return {
    input: price.input_mtok,
    output: price.output_mtok,
    cachedInput: price.cache_read_mtok ?? price.input_mtok,
    version: `${catalogVersion}:${found!.provider.id}/${found!.model.id}`,
  };
}

/** Exact cost of one attempt; reasoning tokens bill at the output rate, cached input at the cache-read rate. */
export function attemptCostUsd(usage: Usage, sheet: PriceSheet): string {
  const promptTokens = usage.inputTokens + usage.cachedInputTokens;
  const pico =
    tokenCostPico(usage.inputTokens, rateFor(sheet.input, promptTokens)) +
    tokenCostPico(usage.cachedInputTokens, rateFor(sheet.cachedInput, promptTokens)) +
    tokenCostPico(usage.outputTokens + usage.reasoningTokens, rateFor(sheet.output, promptTokens));
  return picoToUsd(pico);
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
  const base = (rate: Rate) => Number(typeof rate === 'object' ? rate.base : rate);
  return base(sheet.input) + base(sheet.output);
}
