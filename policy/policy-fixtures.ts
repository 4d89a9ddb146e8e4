import { emptyWindow, type DeploymentEvidence, type DeploymentProfile, type RouteProfile, type WindowStats } from './policy-inputs.ts';
import { routeFactorWeights } from './route-profiles.ts';

/** Test and benchmark builders for policy inputs; defaults describe a healthy, fully capable deployment. */
export function profile(deployment: string, over: Partial<DeploymentProfile> = {}): DeploymentProfile {
  return {
    deployment,
    provider: 'openai',
    model: 'm',
    configuredWeight: 1,
    listUsdPerMtok: 1,
    capabilities: { tools: true, vision: true, jsonMode: true, streaming: true, contextWindow: null },
    region: 'us',
    trust: { dataUsage: 'no_training', compliance: ['soc2', 'gdpr'], residencyGuaranteed: true },
    ...over,
  };
}

export function route(name: string, deployments: DeploymentProfile[], kind: 'balanced' | 'interactive' | 'batch' = 'balanced'): RouteProfile {
  return { route: name, factorWeights: routeFactorWeights(kind), slo: null, deployments };
}

/** A window with `ok` ok attempts at a p95 of `p95Ms` plus the given failures. */
export function window(windowS: number, ok: number, over: Partial<WindowStats> & { p95Ms?: number } = {}): WindowStats {
  const { p95Ms = 100, ...rest } = over;
  const latencyMs = ok > 0 ? { p50: p95Ms / 2, p95: p95Ms, p99: p95Ms * 1.2 } : null;
  return { ...emptyWindow(windowS), ok, latencyMs, costUsd: ok * 0.001, tokens: ok * 1000, ...rest };
}

/** Evidence with a policy window and a 5-minute window in the same proportions (steady traffic). */
export function steady(
  routeName: string,
  deployment: string,
  perWindow: WindowStats,
  recentScale = 10,
  minutes = { observed: 60, healthy: 60 },
): DeploymentEvidence {
  const scale = (n: number) => Math.round(n * recentScale);
  const recent: WindowStats = {
    ...perWindow,
    windowS: 300,
    ok: scale(perWindow.ok),
    serverErrors: scale(perWindow.serverErrors),
    rateLimited: scale(perWindow.rateLimited),
    clientErrors: scale(perWindow.clientErrors),
    contentFiltered: scale(perWindow.contentFiltered),
    servedContentFiltered: scale(perWindow.servedContentFiltered),
    costUsd: perWindow.costUsd * recentScale,
    tokens: scale(perWindow.tokens),
  };
  return { route: routeName, deployment, window: perWindow, recent, hour: { ...recent, windowS: 3600 }, minutes: { windowS: 3600, ...minutes } };
}
