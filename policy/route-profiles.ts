import type { FactorWeights } from './policy-inputs.ts';

export const routeKinds = ['balanced', 'interactive', 'batch'] as const;
export type RouteKind = (typeof routeKinds)[number];

/**
 * Default CRAFT factor weights by kind of route (each sums to 1): an interactive route cares most
 * that answers come (Reliability, Availability); a batch route can wait and retry, so Cost leads.
 */
export function routeFactorWeights(kind: RouteKind, over: Partial<FactorWeights> = {}): FactorWeights {
  const base: Record<RouteKind, FactorWeights> = {
    balanced: { cost: 0.2, reliability: 0.3, availability: 0.2, flexibility: 0.15, trust: 0.15 },
    interactive: { cost: 0.1, reliability: 0.35, availability: 0.3, flexibility: 0.15, trust: 0.1 },
    batch: { cost: 0.45, reliability: 0.25, availability: 0.1, flexibility: 0.1, trust: 0.1 },
  };
  return { ...base[kind], ...over };
}
