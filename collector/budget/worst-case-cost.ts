import { attemptCostPico, type PriceSheet } from '../pricing/price-sheet.ts';
import type { Usage } from '../providers/provider.ts';
import { picoToNano } from './cost-bucket.ts';

const none: Usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

/**
 * The most an attempt can cost, nanodollars: every prompt token at the dearer of the input and
 * cache-write rates, and all of max_tokens at the output rate (reasoning bills at it too).
 */
export function worstCaseNano(promptTokens: number, maxTokens: number, sheet: PriceSheet): number {
  const asInput = attemptCostPico({ ...none, inputTokens: promptTokens, outputTokens: maxTokens }, sheet);
  const asWrite = attemptCostPico({ ...none, cacheWriteTokens: promptTokens, outputTokens: maxTokens }, sheet);
  return picoToNano(asInput > asWrite ? asInput : asWrite);
}

/** What a provider bills for a request it received but did not finish: its input. */
export const inputOnlyUsage = (promptTokens: number): Usage => ({ ...none, inputTokens: promptTokens });

export const actualNano = (usage: Usage, sheet: PriceSheet): number => picoToNano(attemptCostPico(usage, sheet));
