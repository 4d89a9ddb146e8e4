import { systemClock, type Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import type { RoutingWeights, WeightTable } from './routing-weights.ts';

const QUERY = 'query Weights($route: String!) { routingWeights(route: $route) { deployment weight } }';

export interface WeightsPollerOptions {
  apiUrl: string;
  /** Service-role API token, when the API requires one (SWITCHYARD_API_TOKEN). */
  token?: string;
  /** Routes to poll; a function, since a config reload can change them. */
  routes: () => string[];
  weights: RoutingWeights;
  intervalMs: number;
  clock?: Clock;
  log?: (message: string) => void;
}

/**
 * Polls the API for routing weights. A failed poll keeps the last known good table, and is
 * logged once per outage rather than once per poll.
 */
export class WeightsPoller {
  private failing = false;
  private readonly loop: PeriodicTask;

  constructor(private readonly options: WeightsPollerOptions) {
    this.loop = new PeriodicTask(() => this.pollOnce(), options.intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One poll of every route; resolves true when the table was replaced. */
  async pollOnce(): Promise<boolean> {
    try {
      const table: WeightTable = new Map();
      for (const route of this.options.routes()) table.set(route, await this.fetchRoute(route));
      this.options.weights.replace(table, (this.options.clock ?? systemClock).now());
      if (this.failing) this.options.log?.('collector: routing weights API reachable again');
      this.failing = false;
      return true;
    } catch (err) {
      if (!this.failing) this.options.log?.(`collector: cannot read routing weights (${(err as Error).message}); keeping the last known weights`);
      this.failing = true;
      return false;
    }
  }

  private async fetchRoute(route: string): Promise<Map<string, number>> {
    const response = await fetch(this.options.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
      body: JSON.stringify({ query: QUERY, variables: { route } }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`API answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: { routingWeights: Array<{ deployment: string; weight: number }> }; errors?: unknown[] };
    if (!body.data) throw new Error('API answered with errors');
    return new Map(body.data.routingWeights.map((w) => [w.deployment, w.weight]));
  }
}
