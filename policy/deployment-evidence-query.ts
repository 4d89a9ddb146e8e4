import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { DeploymentEvidence, Quantiles, WindowStats } from './policy-inputs.ts';

/** Error classes that are the caller's doing (or a request this deployment cannot take), not the deployment's. */
export const clientErrorClasses = ['invalid_request', 'context_length', 'unsupported_parameter'] as const;
export const contentFilterClass = 'content_filter';

export interface EvidenceWindows {
  /** The policy's sliding window, ms. */
  windowMs: number;
  /** The 429 rule's window and the low-traffic fallback, ms (5 minutes). */
  recentMs: number;
  /** Availability's look-back, ms (1 hour). */
  availabilityMs: number;
  /**
   * A minute with attempts is up (healthy) unless its evidence shows ok / (ok + server errors +
   * weight × 429s) below this: its Wilson upper bound at `evidenceZ` is under it. Availability
   * asks whether the deployment was up, not how often it failed (that is Reliability): a 90 %
   * line made it re-measure the success rate through a noisy per-minute threshold that also
   * favoured whichever deployment had fewer attempts per minute.
   */
  downMinuteSuccessRate: number;
  evidenceZ: number;
  rateLimitedFailureWeight: number;
}

type Row = Record<string, string | number | number[] | null> & { route: string; deployment: string };

/**
 * Evidence per route and deployment from `attempts_per_minute_by_deployment_v2` only, bounded to
 * the availability look-back before `nowMs`. Windows are rounded out to whole minutes (the
 * rollup's grain): a window of W ms covers the minutes from the one `nowMs − W` falls in to the
 * current one, and each window reports the length it really covers. Quantiles are TDigest
 * estimates merged from the per-minute states.
 */
export async function queryDeploymentEvidence(client: ClickHouseClient, nowMs: number, w: EvidenceWindows): Promise<DeploymentEvidence[]> {
  const starts = { window: startOfMinute(nowMs - w.windowMs), recent: startOfMinute(nowMs - w.recentMs), hour: startOfMinute(nowMs - w.availabilityMs) };
  // Only live health reads latency, from the policy and 5-minute windows: the hour merges no TDigest (the costly part).
  const latency = (p: string) => `quantilesTDigestMergeIf(0.5, 0.95, 0.99)(ok_latency_ms_q, minute >= ${p}) AS ${p}_latency`;
  const sums = (p: string) => `
        sumIf(ok, minute >= ${p}) AS ${p}_ok,
        sumIf(error + timeout - client_errors - content_filtered, minute >= ${p}) AS ${p}_server_errors,
        sumIf(rate_limited, minute >= ${p}) AS ${p}_rate_limited,
        sumIf(client_errors, minute >= ${p}) AS ${p}_client_errors,
        sumIf(content_filtered, minute >= ${p}) AS ${p}_content_filtered,
        sumIf(served_content_filtered, minute >= ${p}) AS ${p}_served_content_filtered,
        toFloat64(sumIf(cost_usd, minute >= ${p})) AS ${p}_cost_usd,
        sumIf(tokens, minute >= ${p}) AS ${p}_tokens`;
  const counted = 'ok + error + timeout + rate_limited - client_errors - content_filtered';
  const rows = await (
    await client.query({
      query: `
      WITH toDateTime({window_start:Int64}, 'UTC') AS win, toDateTime({recent_start:Int64}, 'UTC') AS rec, toDateTime({hour_start:Int64}, 'UTC') AS hr
      SELECT route, deployment, ${sums('win')}, ${sums('rec')}, ${sums('hr')}, ${latency('win')}, ${latency('rec')},
        countIf(${counted} > 0) AS observed_minutes,
        countIf(${counted} > 0 AND ${wilsonUpper('ok', 'error + timeout - client_errors - content_filtered + {rl_weight:Float64} * rate_limited')} >= {down_rate:Float64}) AS healthy_minutes
      FROM (
        SELECT route, deployment, minute,
          sum(ok) AS ok, sum(error) AS error, sum(timeout) AS timeout, sum(rate_limited) AS rate_limited,
          sum(arraySum(mapValues(mapFilter((k, v) -> has({client_classes:Array(String)}, k), errors_by_class)))) AS client_errors,
          sum(errors_by_class[{content_filter:String}]) AS content_filtered,
          sum(served_content_filtered) AS served_content_filtered,
          sum(cost_usd) AS cost_usd,
          sum(input_tokens + cached_input_tokens + cache_write_tokens + output_tokens + reasoning_tokens) AS tokens,
          quantilesTDigestMergeState(0.5, 0.95, 0.99)(ok_latency_ms_q) AS ok_latency_ms_q
        FROM attempts_per_minute_by_deployment_v2
        WHERE minute >= toDateTime({hour_start:Int64}, 'UTC') AND minute <= toDateTime({now_s:Int64}, 'UTC')
        GROUP BY route, deployment, minute
      )
      GROUP BY route, deployment
      ORDER BY route, deployment`,
      query_params: {
        window_start: starts.window / 1000,
        recent_start: starts.recent / 1000,
        hour_start: starts.hour / 1000,
        now_s: Math.floor(nowMs / 1000),
        client_classes: [...clientErrorClasses],
        content_filter: contentFilterClass,
        down_rate: w.downMinuteSuccessRate,
        z: w.evidenceZ,
        rl_weight: w.rateLimitedFailureWeight,
      },
      format: 'JSONEachRow',
    })
  ).json<Row>();
  const parity = await queryServedParity(client, starts.hour, nowMs);
  return rows.map((r) => ({
    route: r.route,
    deployment: r.deployment,
    window: windowStats(r, 'win', (nowMs - starts.window) / 1000),
    recent: windowStats(r, 'rec', (nowMs - starts.recent) / 1000),
    hour: { ...windowStats(r, 'hr', (nowMs - starts.hour) / 1000), parity: parity.get(`${r.route}\u0000${r.deployment}`) ?? { checked: 0, ok: 0 } },
    minutes: { windowS: Math.round((nowMs - starts.hour) / 1000), observed: Number(r.observed_minutes), healthy: Number(r.healthy_minutes) },
  }));
}

/** Contract checks of served answers (shadow copies excluded) per route and deployment since `fromMs`, from the parity rollup. */
async function queryServedParity(client: ClickHouseClient, fromMs: number, nowMs: number): Promise<Map<string, { checked: number; ok: number }>> {
  const rows = await (
    await client.query({
      query: `SELECT route, deployment, sumIf(attempts, parity != 'none') AS checked, sumIf(attempts, parity = 'ok') AS ok
        FROM parity_per_minute_by_deployment_v1
        WHERE shadow_of = '' AND minute >= toDateTime({from_s:Int64}, 'UTC') AND minute <= toDateTime({now_s:Int64}, 'UTC')
        GROUP BY route, deployment`,
      query_params: { from_s: Math.floor(fromMs / 1000), now_s: Math.floor(nowMs / 1000) },
      format: 'JSONEachRow',
    })
  ).json<{ route: string; deployment: string; checked: string | number; ok: string | number }>();
  return new Map(rows.map((r) => [`${r.route}\u0000${r.deployment}`, { checked: Number(r.checked), ok: Number(r.ok) }]));
}

function windowStats(r: Row, p: string, windowS: number): WindowStats {
  const ok = Number(r[`${p}_ok`]);
  return {
    windowS: Math.round(windowS),
    ok,
    serverErrors: Number(r[`${p}_server_errors`]),
    rateLimited: Number(r[`${p}_rate_limited`]),
    clientErrors: Number(r[`${p}_client_errors`]),
    contentFiltered: Number(r[`${p}_content_filtered`]),
    servedContentFiltered: Number(r[`${p}_served_content_filtered`]),
    latencyMs: ok > 0 && p !== 'hr' ? quantiles(r[`${p}_latency`]) : null,
    costUsd: Number(r[`${p}_cost_usd`]),
    tokens: Number(r[`${p}_tokens`]),
  };
}

/** Quantiles of a merged TDigest; an empty one merges to NaN (or zeros), meaning "no samples". */
export function quantiles(v: unknown): Quantiles | null {
  if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) return null;
  const [p50, p95, p99] = v as [number, number, number];
  if (p50 === 0 && p95 === 0 && p99 === 0) return null;
  return { p50, p95, p99 };
}

/** SQL for the Wilson score upper bound of ok / (ok + failures) at z = {z:Float64} (Wilson 1927); callers ensure ok + failures > 0. */
function wilsonUpper(ok: string, failures: string): string {
  const n = `(${ok} + ${failures})`;
  const p = `(${ok} / ${n})`;
  return `((${p} + {z:Float64} * {z:Float64} / (2 * ${n}) + {z:Float64} * sqrt(${p} * (1 - ${p}) / ${n} + {z:Float64} * {z:Float64} / (4 * ${n} * ${n}))) / (1 + {z:Float64} * {z:Float64} / ${n}))`;
}

function startOfMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}
