import { blendedPrice } from '../pricing/price-sheet.ts';
import type { ChatRequest } from '../providers/provider.ts';
import { orderCandidates } from '../routing/route-strategy.ts';
import type { RoutingWeights } from '../routing/routing-weights.ts';
import { orderByTier, tierPreference, type Tier } from '../routing/tiers.ts';
import { eligibleDeployments, tierForRequest } from './candidates.ts';
import { DispatchError } from './dispatch-error.ts';
import type { RequestContext } from './request-context.ts';
import type { RouteMemory } from './route-memory.ts';
import type { Deployment, Route } from './route-table.ts';

/** What ordering needs besides the request: policy weights, what was learned from earlier answers, randomness. */
export interface OrderingInputs {
  weights: RoutingWeights;
  memory: RouteMemory;
  random: () => number;
}

/**
 * The order in which a request tries the route's deployments: those that can serve it
 * (capabilities, regions), ordered by the route's strategy over policy weights, the
 * conversation's sticky deployment first, then grouped by the requested tier. Throws a 400
 * DispatchError when no deployment can serve it (or none of its tier, without tier fallback).
 */
export function orderDeployments(
  route: Route,
  request: ChatRequest,
  ctx: RequestContext,
  prompt: () => number,
  inputs: OrderingInputs,
): { order: Deployment[]; tier: Tier | null } {
  const eligible = eligibleDeployments(route, request, ctx, prompt);
  const tier = tierForRequest(route, request, ctx, prompt);
  const candidates = eligible.map((d) => ({
    item: d,
    weight: inputs.weights.effective(route.config.name, d.config.name, d.config.weight),
    priceScore: blendedPrice(d.price),
    latencyMs: inputs.memory.latencyMs(route, d),
  }));
  const byStrategy = orderCandidates(route.config.strategy, candidates, inputs.random);
  const strategyOrder = inputs.memory.stickyFirst(route, ctx.conversationId, byStrategy, candidates);
  const order = tier ? orderByTier(strategyOrder, (d) => d.config.tier, tierPreference(tier, route.config.tiering.fallback)) : strategyOrder;
  if (order.length === 0)
    throw new DispatchError(
      400,
      'invalid_request_error',
      `route "${route.config.name}" has no ${tier} deployment that can serve this request, and its tiering allows no fallback`,
      'no_capable_deployment',
    );
  return { order, tier };
}
