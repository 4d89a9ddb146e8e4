export const tiers = ['economy', 'standard', 'premium'] as const;
export type Tier = (typeof tiers)[number];

const difficultyTier: Record<string, Tier> = { low: 'economy', medium: 'standard', high: 'premium' };

export interface TieringConfig {
  /** Prompts at or under this many tokens (without tools) are economy work. */
  short_prompt_tokens: number;
  /** Prompts at or over this many tokens, or any request with tools, are premium work. */
  long_prompt_tokens: number;
  /** Where to go when the tier has no deployment left: up_then_down, down_then_up, or none. */
  fallback: 'up_then_down' | 'down_then_up' | 'none';
}

/**
 * The tier a request asks for: an explicit `x-switchyard-tier`, else a difficulty hint
 * (`x-switchyard-difficulty: low|medium|high`), else a heuristic on prompt size and tools.
 */
export function requestedTier(
  hints: { tier?: string; difficulty?: string },
  facts: { promptTokens: () => number; usesTools: boolean },
  config: TieringConfig,
): Tier {
  if (hints.tier && (tiers as readonly string[]).includes(hints.tier)) return hints.tier as Tier;
  if (hints.difficulty && difficultyTier[hints.difficulty]) return difficultyTier[hints.difficulty]!;
  if (facts.usesTools) return 'premium';
  const tokens = facts.promptTokens();
  if (tokens >= config.long_prompt_tokens) return 'premium';
  if (tokens <= config.short_prompt_tokens) return 'economy';
  return 'standard';
}

/** Tiers in the order a request of `tier` may use them. */
export function tierPreference(tier: Tier, fallback: TieringConfig['fallback']): Tier[] {
  const i = tiers.indexOf(tier);
  const up = tiers.slice(i + 1);
  const down = tiers.slice(0, i).reverse();
  if (fallback === 'none') return [tier];
  return fallback === 'up_then_down' ? [tier, ...up, ...down] : [tier, ...down, ...up];
}

/** Keeps the strategy's order within each tier, tiers in preference order; tiers not preferred are dropped. */
export function orderByTier<T>(order: T[], tierOf: (item: T) => Tier, preference: Tier[]): T[] {
  return preference.flatMap((t) => order.filter((item) => tierOf(item) === t));
}
