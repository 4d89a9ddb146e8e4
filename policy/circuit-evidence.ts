import { emptyWindow, type DeploymentEvidence, type RouteProfile } from './policy-inputs.ts';

/**
 * Adds each deployment's circuit-open seconds (keyed `route\0deployment`) to its Availability
 * evidence. A configured deployment with open time but no attempts in the hour (its circuit kept
 * it out of rotation) gets evidence of its own: empty windows and the open time.
 */
export function withCircuitOpenTime(
  evidence: readonly DeploymentEvidence[],
  openS: ReadonlyMap<string, number>,
  routes: readonly RouteProfile[],
  windowS: { window: number; recent: number; hour: number },
): DeploymentEvidence[] {
  const key = (route: string, deployment: string) => `${route}\u0000${deployment}`;
  const out = evidence.map((e) => ({ ...e, minutes: { ...e.minutes, circuitOpenS: openS.get(key(e.route, e.deployment)) ?? 0 } }));
  const seen = new Set(evidence.map((e) => key(e.route, e.deployment)));
  for (const r of routes)
    for (const d of r.deployments) {
      const open = openS.get(key(r.route, d.deployment));
      if (open === undefined || seen.has(key(r.route, d.deployment))) continue;
      out.push({
        route: r.route,
        deployment: d.deployment,
        window: emptyWindow(windowS.window),
        recent: emptyWindow(windowS.recent),
        hour: emptyWindow(windowS.hour),
        minutes: { windowS: windowS.hour, observed: 0, healthy: 0, circuitOpenS: open },
      });
    }
  return out;
}
