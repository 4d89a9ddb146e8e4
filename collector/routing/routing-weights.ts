/** Policy weights per route and deployment, in [0, 1]; missing means "no opinion yet". */
export type WeightTable = Map<string, Map<string, number>>;

/**
 * The collector's view of policy weights. Replaced wholesale by each successful poll; when the
 * API is unreachable the last known good table stays in force.
 */
export class RoutingWeights {
  private table: WeightTable = new Map();
  private updatedAtMs: number | null = null;

  replace(table: WeightTable, nowMs: number): void {
    this.table = table;
    this.updatedAtMs = nowMs;
  }

  /** Effective weight: the configured weight scaled by the policy weight, if policy has one. */
  effective(route: string, deployment: string, configured: number): number {
    const policy = this.table.get(route)?.get(deployment);
    return policy === undefined ? configured : configured * policy;
  }

  policyWeight(route: string, deployment: string): number | undefined {
    return this.table.get(route)?.get(deployment);
  }

  get lastUpdatedMs(): number | null {
    return this.updatedAtMs;
  }
}
