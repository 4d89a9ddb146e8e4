import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

/**
 * Document limits checked before execution (graphql-armor, maintained by Escape): deep nesting,
 * cost (fields × nesting × page size), aliases, tokens and directives. Our deepest legitimate
 * query is 5 levels; the costliest, a 1,000-row page with every measure, is ~121,000 by armor's
 * measure (it multiplies by `first`). The numbers leave room for those and refuse what can only
 * be abuse.
 */
export const queryLimits = {
  maxDepth: 8,
  maxCost: 200_000,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 20,
} as const;

export function queryLimitsPlugin(): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: queryLimits.maxDepth },
    costLimit: { maxCost: queryLimits.maxCost },
    maxAliases: { n: queryLimits.maxAliases },
    maxTokens: { n: queryLimits.maxTokens },
    maxDirectives: { n: queryLimits.maxDirectives },
  }) as Plugin;
}
