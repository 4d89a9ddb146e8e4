import type { DeploymentEvidence, RouteProfile } from './policy-inputs.ts';
import { routeFactorWeights } from './route-profiles.ts';

/**
 * Without a routes file (a policy process started without SWITCHYARD_CONFIG) the deployments seen
 * in the evidence are scored with neutral profiles: configured weight 1, equal list price, full
 * capabilities, unknown terms — so only live evidence separates them. A deployment drops out once
 * it is silent for the evidence look-back (1 hour).
 */
export function profileFromEvidence(evidence: readonly DeploymentEvidence[]): RouteProfile[] {
  const routes = new Map<string, string[]>();
  for (const e of evidence) routes.set(e.route, [...(routes.get(e.route) ?? []), e.deployment]);
  return [...routes].map(([route, deployments]) => ({
    route,
    factorWeights: routeFactorWeights('balanced'),
    slo: null,
    deployments: deployments.map((deployment) => ({
      deployment,
      provider: '',
      model: '',
      configuredWeight: 1,
      listUsdPerMtok: 1,
      capabilities: { tools: true, vision: true, jsonMode: true, streaming: true, contextWindow: null },
      region: '',
      trust: { dataUsage: 'unknown', compliance: [], residencyGuaranteed: false },
    })),
  }));
}
