import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { DeploymentWindowStats } from './routing-weight-math.ts';

/**
 * Per route and deployment: attempts, successes and p95 latency of successful attempts within
 * the window ending at `nowMs`. Deployments seen in the last day but silent in the window come
 * back with zero attempts, so the policy can offer them a probe share.
 */
export async function queryDeploymentWindow(client: ClickHouseClient, nowMs: number, windowMs: number): Promise<DeploymentWindowStats[]> {
  const result = await client.query({
    query: `
      WITH fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AS window_start
      SELECT
        route,
        deployment,
        countIf(started_at >= window_start AND status NOT IN ('cancelled', 'rejected')) AS attempts,
        countIf(started_at >= window_start AND status = 'ok') AS ok,
        if(ok = 0, NULL, quantileExactIf(0.95)(latency_ms, started_at >= window_start AND status = 'ok')) AS p95_ms
      FROM attempts
      WHERE started_at >= fromUnixTimestamp64Milli({seen_from_ms:Int64}, 'UTC')
        AND started_at <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
      GROUP BY route, deployment
      ORDER BY route, deployment`,
    query_params: { from_ms: nowMs - windowMs, seen_from_ms: nowMs - 24 * 3_600_000, now_ms: nowMs },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ route: string; deployment: string; attempts: string | number; ok: string | number; p95_ms: number | null }>();
  return rows.map((r) => ({ route: r.route, deployment: r.deployment, attempts: Number(r.attempts), ok: Number(r.ok), p95Ms: r.p95_ms }));
}
