import type { DeploymentBreakers } from '../resilience/deployment-breakers.ts';
import type { RateLimitCooldowns } from './rate-limit-cooldowns.ts';
import type { Deployment, Route } from './route-table.ts';

/** Circuits are per route and deployment: one deployment name may serve different routes differently. */
export function breakerKey(route: Route, deployment: Deployment): string {
  return `${route.config.name}/${deployment.config.name}`;
}

/**
 * Whose Retry-After applies: the deployment, wherever it serves — the same deployment (name,
 * endpoint, model and key) listed in several routes waits out one Retry-After in all of them.
 */
function cooldownKey(deployment: Deployment): string {
  const d = deployment.config;
  return `${d.name}|${d.base_url}|${d.model}|${d.api_key_env}`;
}

/** The next deployment to call, and how long its provider asked us to wait first (Retry-After), ms. */
export interface NextDeployment {
  index: number;
  waitMs: number;
}

/**
 * Which deployments may be called now: not behind an open circuit, and not inside a
 * Retry-After the provider gave. The two differ for the client: every circuit open is a 503;
 * every deployment rate limited is a 429 saying when to come back.
 */
export class DeploymentAvailability {
  constructor(
    private readonly breakers: DeploymentBreakers,
    private readonly cooldowns: RateLimitCooldowns,
  ) {}

  /**
   * From `cursor` (wrapping over `order`), the first deployment whose circuit lets calls through
   * and whose Retry-After ends within `maxWaitMs`, skipping `exclude`; the shortest wait wins
   * among those, earlier ones in order on ties. Null when there is none.
   */
  next(route: Route, order: Deployment[], cursor: number, maxWaitMs: number, exclude?: ReadonlySet<Deployment>): NextDeployment | null {
    let best: NextDeployment | null = null;
    for (let i = cursor; i < cursor + order.length; i++) {
      const d = order[i % order.length]!;
      if (exclude?.has(d) || this.breakers.coolingDown(breakerKey(route, d))) continue;
      const waitMs = this.cooldowns.remainingMs(cooldownKey(d));
      if (waitMs > maxWaitMs) continue;
      if (waitMs === 0) return { index: i, waitMs };
      if (!best || waitMs < best.waitMs) best = { index: i, waitMs };
    }
    return best;
  }

  /** Shortest Retry-After still running among the route's deployments whose circuits are closed; null if none is rate limited. */
  soonestRetryMs(route: Route, order: Deployment[]): number | null {
    const waits = order.filter((d) => !this.breakers.coolingDown(breakerKey(route, d))).map((d) => this.cooldowns.remainingMs(cooldownKey(d)));
    const positive = waits.filter((w) => w > 0);
    return positive.length && positive.length === waits.length ? Math.min(...positive) : null;
  }

  noteRetryAfter(deployment: Deployment, retryAfterMs: number): void {
    this.cooldowns.note(cooldownKey(deployment), retryAfterMs);
  }

  /** Deployments after `cursor` (wrapping) callable now: where a budget downgrade may go. */
  availableAfter(route: Route, order: Deployment[], cursor: number): Deployment[] {
    const out: Deployment[] = [];
    for (let i = cursor; i < cursor + order.length - 1; i++) {
      const d = order[i % order.length]!;
      if (!this.breakers.coolingDown(breakerKey(route, d)) && this.cooldowns.remainingMs(cooldownKey(d)) === 0) out.push(d);
    }
    return out;
  }
}
