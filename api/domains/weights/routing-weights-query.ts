import type { ReadStore } from '../../read-store.ts';

export interface PublishedWeight {
  route: string;
  deployment: string;
  weight: number;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  reason: string;
  computedAt: string;
}

/** The newest weight per deployment of a route, as last stored by the policy engine. */
export async function queryRoutingWeights(store: ReadStore, route: string): Promise<PublishedWeight[]> {
  const rows = await store.rows<{ route: string; deployment: string; latest_weight: number; latest_success_rate: number | null; latest_p95_ms: number | null; latest_attempts: number | string; latest_reason: string; latest_computed_at: string }>(
    `
      SELECT
        route,
        deployment,
        argMax(weight, computed_at) AS latest_weight,
        argMax(success_rate, computed_at) AS latest_success_rate,
        argMax(p95_ms, computed_at) AS latest_p95_ms,
        argMax(attempts, computed_at) AS latest_attempts,
        argMax(reason, computed_at) AS latest_reason,
        formatDateTime(max(computed_at), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS latest_computed_at
      FROM routing_weights
      WHERE route = {route:String}
      GROUP BY route, deployment
      ORDER BY deployment`,
    { route },
  );
  return rows.map((r) => ({
    route: r.route,
    deployment: r.deployment,
    weight: r.latest_weight,
    successRate: r.latest_success_rate,
    p95LatencyMs: r.latest_p95_ms,
    attempts: Number(r.latest_attempts),
    reason: r.latest_reason,
    computedAt: r.latest_computed_at,
  }));
}
