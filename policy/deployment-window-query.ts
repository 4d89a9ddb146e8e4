import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { DeploymentWindowStats } from './routing-weight-math.ts';

/**
 * Per route and deployment: attempts that reached a verdict (cancelled, rejected and
 * budget-refused excluded), successes and the p95 latency of successful attempts within the window
 * ending at `nowMs`, from the per-minute rollup `attempts_per_minute_by_deployment_v2`. The window
 * starts at the beginning of the minute `nowMs - windowMs` falls in (the rollup's grain), and p95
 * is a TDigest estimate. Deployments seen in the last day but silent in the window come back with
 * zero attempts, so the policy can offer them a probe share.
 */
export async function queryDeploymentWindow(client: ClickHouseClient, nowMs: number, windowMs: number): Promise<DeploymentWindowStats[]> {
  const result = await client.query({
    query: `
      WITH toStartOfMinute(fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')) AS window_start
      SELECT
        route,
        deployment,
        sumIf(attempts - cancelled - rejected - budget_refused, minute >= window_start) AS window_attempts,
        sumIf(ok, minute >= window_start) AS window_ok,
        if(window_ok = 0, NULL, quantilesTDigestMergeIf(0.95)(ok_latency_ms_q, minute >= window_start)[1]) AS p95_ms
      FROM attempts_per_minute_by_deployment_v2
      WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({seen_from_ms:Int64}, 'UTC'))
        AND minute <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
      GROUP BY route, deployment
      ORDER BY route, deployment`,
    query_params: { from_ms: nowMs - windowMs, seen_from_ms: nowMs - 24 * 3_600_000, now_ms: nowMs },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ route: string; deployment: string; window_attempts: string | number; window_ok: string | number; p95_ms: number | null }>();
  return rows.map((r) => ({ route: r.route, deployment: r.deployment, attempts: Number(r.window_attempts), ok: Number(r.window_ok), p95Ms: r.p95_ms }));
}
