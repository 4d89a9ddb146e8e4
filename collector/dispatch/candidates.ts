import type { ChatRequest } from '../providers/provider.ts';
import { requirementsOf, unmetNeeds } from '../routing/capabilities.ts';
import { requestedTier, type Tier } from '../routing/tiers.ts';
import { DispatchError } from './dispatch-error.ts';
import type { RequestContext } from './request-context.ts';
import type { Deployment, Route } from './route-table.ts';

/**
 * The route's deployments that can serve this request: capabilities it needs (tools, images,
 * JSON mode, context window for the counted prompt) and the key's region allow-list. None → 400
 * saying why for each.
 */
export function eligibleDeployments(route: Route, request: ChatRequest, ctx: RequestContext, promptTokens: () => number): Deployment[] {
  const checksContext = route.deployments.some((d) => d.config.capabilities.context_window !== undefined);
  const needs = requirementsOf(request, checksContext ? promptTokens() + (request.max_tokens ?? 0) : null);
  const reasons: string[] = [];
  const eligible = route.deployments.filter((d) => {
    const unmet = unmetNeeds(d.config, needs, ctx.allowedRegions);
    if (unmet.length) reasons.push(`${d.config.name}: ${unmet.join(', ')}`);
    return unmet.length === 0;
  });
  if (eligible.length > 0) return eligible;
  const onlyContext = reasons.every((r) => r.includes('context window'));
  throw new DispatchError(
    400,
    'invalid_request_error',
    `no deployment of route "${route.config.name}" can serve this request: ${reasons.join('; ')}`,
    onlyContext ? 'context_length_exceeded' : 'no_capable_deployment',
    onlyContext ? 'messages' : null,
  );
}

/** The requested tier, on routes whose deployments span several tiers; null otherwise. */
export function tierForRequest(route: Route, request: ChatRequest, ctx: RequestContext, promptTokens: () => number): Tier | null {
  if (new Set(route.deployments.map((d) => d.config.tier)).size < 2) return null;
  return requestedTier(ctx.tierHint ?? {}, { promptTokens, usesTools: Boolean(request.tools?.length) }, route.config.tiering);
}
