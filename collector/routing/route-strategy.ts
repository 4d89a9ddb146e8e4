import { weightedOrder } from './weighted-order.ts';

export const routeStrategies = ['weighted', 'priority', 'cost', 'latency'] as const;
export type RouteStrategy = (typeof routeStrategies)[number];

export interface Candidate<T> {
  item: T;
  /** Effective weight (configured × policy); 0 means only as a last resort. */
  weight: number;
  /** Blended USD per million tokens (input + output rate), for `cost`. */
  priceScore: number;
  /** Recent latency EWMA in ms, null when unknown, for `latency`. */
  latencyMs: number | null;
}

/**
 * The attempt order for one request. `weighted`: sampled by weight. `priority`: config order.
 * `cost`: cheapest first. `latency`: fastest recent EWMA first, unknown ones first so they get
 * measured. In every strategy, zero-weight deployments go last: policy has marked them failing.
 */
export function orderCandidates<T>(strategy: RouteStrategy, candidates: readonly Candidate<T>[], random: () => number): T[] {
  const live = candidates.filter((c) => c.weight > 0);
  const dead = candidates.filter((c) => !(c.weight > 0));
  let ordered: Candidate<T>[];
  switch (strategy) {
    case 'weighted':
      return weightedOrder(
        candidates.map((c) => ({ name: '', weight: c.weight, c })),
        random,
      ).map((w) => w.c.item);
    case 'priority':
      ordered = live;
      break;
    case 'cost':
      ordered = [...live].sort((a, b) => a.priceScore - b.priceScore);
      break;
    case 'latency':
      ordered = [...live].sort((a, b) => (a.latencyMs ?? -1) - (b.latencyMs ?? -1));
      break;
  }
  return [...ordered, ...dead].map((c) => c.item);
}

/** Exponentially weighted moving average: `alpha` is the weight of the newest sample. */
export function ewma(previous: number | null, sample: number, alpha = 0.2): number {
  return previous === null ? sample : previous + alpha * (sample - previous);
}
