import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { DeploymentWindowStats } from './routing-weight-math.ts';

const MINUTE_MS = 60_000;

/**
 * Per route and deployment: attempts that reached a verdict (cancelled, rejected and
 * budget-refused excluded), successes and the p95 latency of successful attempts (a TDigest
 * estimate) within the window `[nowMs - windowMs, nowMs]`. Whole minutes inside the window come
 * from the per-minute rollup `attempts_per_minute_by_deployment_v2`; only the partial minutes at
 * its two edges are read from raw `attempts`, so the scan of raw is bounded by two minutes
 * whatever the window, and a window shorter than a minute keeps its exact length. Deployments
 * seen in the last day but silent in the window come back with zero attempts, so the policy can
 * offer them a probe share.
 */
export async function queryDeploymentWindow(client: ClickHouseClient, nowMs: number, windowMs: number): Promise<DeploymentWindowStats[]> {
  const fromMs = nowMs - windowMs;
  // [firstWholeMs, lastWholeMs) is the run of whole minutes inside the window; empty when the
  // window sits inside one minute (then raw covers all of it).
  const firstWholeMs = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS;
  const lastWholeMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const result = await client.query({
    query: `
      WITH
        fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AS window_start,
        fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC') AS window_end,
        fromUnixTimestamp64Milli({first_whole_ms:Int64}, 'UTC') AS whole_start,
        fromUnixTimestamp64Milli({last_whole_ms:Int64}, 'UTC') AS whole_end
      SELECT
        route,
        deployment,
        sum(verdicts) AS window_attempts,
        sum(successes) AS window_ok,
        if(window_ok = 0, NULL, quantilesTDigestMerge(0.95)(ok_latency)[1]) AS p95_ms
      FROM (
        SELECT
          route,
          deployment,
          toUInt64(sumIf(attempts - cancelled - rejected - budget_refused, minute >= whole_start AND minute < whole_end)) AS verdicts,
          toUInt64(sumIf(ok, minute >= whole_start AND minute < whole_end)) AS successes,
          quantilesTDigestMergeStateIf(0.5, 0.95, 0.99)(ok_latency_ms_q, minute >= whole_start AND minute < whole_end) AS ok_latency
        FROM attempts_per_minute_by_deployment_v2
        WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({seen_from_ms:Int64}, 'UTC')) AND minute <= window_end
        GROUP BY route, deployment
        UNION ALL
        SELECT
          route,
          deployment,
          toUInt64(countIf(status NOT IN ('cancelled', 'rejected'))) AS verdicts,
          toUInt64(countIf(status = 'ok')) AS successes,
          quantilesTDigestStateIf(0.5, 0.95, 0.99)(latency_ms, status = 'ok') AS ok_latency
        FROM attempts
        WHERE started_at >= window_start AND started_at <= window_end
          AND NOT (started_at >= whole_start AND started_at < whole_end)
        GROUP BY route, deployment
      )
      GROUP BY route, deployment
      ORDER BY route, deployment`,
    query_params: { from_ms: fromMs, now_ms: nowMs, first_whole_ms: firstWholeMs, last_whole_ms: lastWholeMs, seen_from_ms: nowMs - 24 * 3_600_000 },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ route: string; deployment: string; window_attempts: string | number; window_ok: string | number; p95_ms: number | null }>();
  return rows.map((r) => ({ route: r.route, deployment: r.deployment, attempts: Number(r.window_attempts), ok: Number(r.window_ok), p95Ms: r.p95_ms }));
}
