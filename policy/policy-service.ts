import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import { queryDeploymentWindow } from './deployment-window-query.ts';
import { computeRoutingWeights, defaultWeightPolicy, type RoutingWeight, type WeightPolicy } from './routing-weight-math.ts';

export interface PolicyServiceOptions {
  clickhouse: ClickHouseClient;
  /** How often weights are recomputed, ms. */
  intervalMs: number;
  /** The sliding window the weights look at, ms. */
  windowMs: number;
  policy?: WeightPolicy;
  clock?: Clock;
  log?: (message: string) => void;
}

/** Recomputes routing weights from ClickHouse on a timer and stores them in `routing_weights`. */
export class PolicyService {
  private readonly clock: Clock;
  private readonly loop: PeriodicTask;

  constructor(private readonly options: PolicyServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.loop = new PeriodicTask(
      () => this.evaluate().catch((err: unknown) => options.log?.(`policy: evaluation failed, keeping previous weights: ${(err as Error).message}`)),
      options.intervalMs,
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One evaluation: window stats → weights → stored. Returns what it stored. */
  async evaluate(): Promise<RoutingWeight[]> {
    const nowMs = this.clock.now();
    const stats = await queryDeploymentWindow(this.options.clickhouse, nowMs, this.options.windowMs);
    const weights = computeRoutingWeights(stats, this.options.policy ?? defaultWeightPolicy);
    if (weights.length === 0) return weights;
    await this.options.clickhouse.insert({
      table: 'routing_weights',
      format: 'JSONEachRow',
      values: weights.map((w) => ({
        computed_at: new Date(nowMs).toISOString(),
        route: w.route,
        deployment: w.deployment,
        weight: w.weight,
        success_rate: w.successRate,
        p95_ms: w.p95Ms,
        attempts: w.attempts,
        window_s: Math.round(this.options.windowMs / 1000),
        reason: w.reason,
      })),
    });
    return weights;
  }
}
