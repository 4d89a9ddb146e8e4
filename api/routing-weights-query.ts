import type { ClickHouseClient } from '../core/clickhouse/client.ts';

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
export async function queryRoutingWeights(client: ClickHouseClient, route: string): Promise<PublishedWeight[]> {
  const result = await client.query({
    query: `
      SELECT
        route,
        deployment,
        argMax(weight, computed_at) AS weight,
        argMax(success_rate, computed_at) AS success_rate,
        argMax(p95_ms, computed_at) AS p95_ms,
        argMax(attempts, computed_at) AS attempts,
        argMax(reason, computed_at) AS reason,
        formatDateTime(max(computed_at), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS computed_at
      FROM routing_weights
      WHERE route = {route:String}
      GROUP BY route, deployment
      ORDER BY deployment`,
    query_params: { route },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ route: string; deployment: string; weight: number; success_rate: number | null; p95_ms: number | null; attempts: number | string; reason: string; computed_at: string }>();
  return rows.map((r) => ({
    route: r.route,
    deployment: r.deployment,
    weight: r.weight,
    successRate: r.success_rate,
    p95LatencyMs: r.p95_ms,
    attempts: Number(r.attempts),
    reason: r.reason,
    computedAt: r.computed_at,
  }));
}
