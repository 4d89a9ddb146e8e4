import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { systemClock, type Clock } from '../core/clock.ts';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly clock: Clock;

  constructor(private readonly options: PolicyServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    const tick = () => {
      this.running = this.evaluate()
        .catch((err: unknown) => this.options.log?.(`policy: evaluation failed, keeping previous weights: ${(err as Error).message}`))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
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
