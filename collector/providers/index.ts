import { anthropicAdapter } from './anthropic.ts';
import { geminiAdapter } from './gemini.ts';
import { openaiAdapter } from './openai.ts';
import type { ProviderAdapter } from './provider.ts';

const adapters: Record<ProviderAdapter['kind'], ProviderAdapter> = { openai: openaiAdapter, anthropic: anthropicAdapter, gemini: geminiAdapter };

export function adapterFor(kind: ProviderAdapter['kind']): ProviderAdapter {
  return adapters[kind];
}
