import type { Clock } from '../../core/clock.ts';
import { LatencyWindow } from '../resilience/latency-window.ts';
import { ewma } from '../routing/route-strategy.ts';
import { StickySessions } from '../routing/sticky-sessions.ts';
import { breakerKey } from './deployment-availability.ts';
import type { Deployment, Route } from './route-table.ts';

/**
 * What the dispatcher learns from answered requests and uses for the next ones: recent latency
 * per deployment (`latency` routing), recent latencies per hedged route (the hedge delay), and
 * which deployment serves each conversation (sticky sessions).
 */
export class RouteMemory {
  private readonly sticky = new StickySessions();
  /** Recent latency (time to first token for streams) per route/deployment, ms (EWMA). */
  private readonly latency = new Map<string, number>();
  private readonly routeLatency = new Map<string, LatencyWindow>();

  constructor(private readonly clock: Clock) {}

  latencyMs(route: Route, deployment: Deployment): number | null {
    return this.latency.get(breakerKey(route, deployment)) ?? null;
  }

  /** A fixed delay, else the route's recent latency percentile once it has enough samples, ms. */
  hedgeDelayMs(route: Route): number {
    const hedge = route.config.hedge!;
    if (hedge.delay_ms !== undefined) return hedge.delay_ms;
    const window = this.routeLatency.get(route.config.name);
    if (!window || window.count < hedge.min_samples) return hedge.initial_delay_ms;
    return Math.max(hedge.min_delay_ms, window.percentile(hedge.percentile)!);
  }

  recordSuccess(route: Route, deployment: Deployment, latencyMs: number, conversationId: string | undefined): void {
    const key = breakerKey(route, deployment);
    this.latency.set(key, ewma(this.latency.get(key) ?? null, latencyMs));
    if (route.config.hedge) {
      const window = this.routeLatency.get(route.config.name) ?? new LatencyWindow();
      window.record(latencyMs);
      this.routeLatency.set(route.config.name, window);
    }
    if (conversationId) this.sticky.remember(`${route.config.name}:${conversationId}`, deployment.config.name, this.clock.now());
  }

  /**
   * A conversation's deployment goes first while policy still gives it weight; an open circuit
   * is skipped like for any request, and the conversation then sticks to whoever answers.
   */
  stickyFirst(route: Route, conversationId: string | undefined, order: Deployment[], candidates: Array<{ item: Deployment; weight: number }>): Deployment[] {
    if (!conversationId) return order;
    const name = this.sticky.get(`${route.config.name}:${conversationId}`, this.clock.now());
    const healthy = candidates.some((c) => c.item.config.name === name && c.weight > 0);
    const i = order.findIndex((d) => d.config.name === name);
    return !healthy || i <= 0 ? order : [order[i]!, ...order.filter((_, k) => k !== i)];
  }
}
