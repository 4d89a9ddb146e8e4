import type { DeploymentConfig, RoutesConfig } from '../collector/config/routes-config.ts';
import { resolvePriceSheet, type PriceSheet } from '../collector/pricing/price-sheet.ts';
import type { DeploymentProfile, RouteProfile } from './policy-inputs.ts';
import { routeFactorWeights } from './route-profiles.ts';

/**
 * The routes file as the policy sees it: configured deployments (the only ones that get a
 * weight), their configured weight, list price, capabilities and trust terms, and each route's
 * CRAFT factor weights.
 */
export function routeProfiles(config: RoutesConfig): RouteProfile[] {
  return config.routes.map((r) => ({
    route: r.name,
    factorWeights: routeFactorWeights(r.craft?.kind ?? 'balanced', r.craft?.weights),
    slo: r.slo ? { latencyMs: r.slo.latency_ms, ttftMs: r.slo.ttft_ms ?? null } : null,
    deployments: r.deployments.map((d) => deploymentProfile(d, resolvePriceSheet(d, config.default_price))),
  }));
}

/** Input:output = 3:1, a typical chat mix: the list price comparable across a route's deployments. */
export function listUsdPerMtok(sheet: PriceSheet): number {
  const base = (rate: PriceSheet['input']) => Number(typeof rate === 'object' ? rate.base : rate);
  return (3 * base(sheet.input) + base(sheet.output)) / 4;
}

function deploymentProfile(d: DeploymentConfig, sheet: PriceSheet): DeploymentProfile {
  return {
    deployment: d.name,
    provider: d.provider,
    model: d.model,
    configuredWeight: d.weight,
    listUsdPerMtok: listUsdPerMtok(sheet),
    // Every adapter streams; the flag is here so a non-streaming provider can say so.
    capabilities: {
      tools: d.capabilities.tools,
      vision: d.capabilities.vision,
      jsonMode: d.capabilities.json_mode,
      streaming: true,
      contextWindow: d.capabilities.context_window ?? null,
    },
    region: d.region,
    trust: d.trust
      ? { dataUsage: d.trust.data_usage, compliance: d.trust.compliance, residencyGuaranteed: d.trust.residency_guaranteed }
      : { dataUsage: 'unknown', compliance: [], residencyGuaranteed: false },
  };
}
