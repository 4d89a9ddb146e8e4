import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { GroupWindows } from '../detect/evidence.ts';
import { alertMetrics, type AlertDimension, type AlertMetric, type RollupMetric } from '../rules/alert-metrics.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';
import { filterSql, windowIndexSql, windowParams } from './window-sql.ts';
import { groupWindowRows, type WindowRow } from './group-rows.ts';

/** Rule dimensions only the per-key spend rollup has. */
const KEY_DIMENSIONS: ReadonlySet<AlertDimension> = new Set(['project', 'feature', 'api_key_id']);
const KEY_METRICS: ReadonlySet<AlertMetric> = new Set(['spend_usd', 'tokens', 'requests']);

/** Per-minute sums (inner query) and how the window value is formed from them (outer query), per metric. */
const METRIC_SQL: Record<RollupMetric, { inner: string; outer: string }> = {
  spend_usd: { inner: 'toFloat64(sum(cost_usd)) AS x', outer: '{agg}(x)' },
  tokens: { inner: 'toFloat64(sum({tokens})) AS x', outer: '{agg}(x)' },
  requests: { inner: 'toFloat64(sum(requests)) AS x', outer: '{agg}(x)' },
  error_rate: { inner: 'toFloat64(sum(error) + sum(timeout)) AS x', outer: 'sum(x) / nullIf(sum(att_n), 0)' },
  final_failure_rate: { inner: 'toFloat64(sum(requests) - sum(requests_served)) AS x', outer: 'sum(x) / nullIf(sum(req_n), 0)' },
  fallback_rate: { inner: 'toFloat64(sum(arraySum(mapValues(fallbacks_by_reason)))) AS x', outer: 'sum(x) / nullIf(sum(att_n), 0)' },
  rate_limit_rate: { inner: 'toFloat64(sum(rate_limited)) AS x', outer: 'sum(x) / nullIf(sum(att_n), 0)' },
  p95_latency_ms: {
    inner: 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency_ms_q) AS q',
    outer: 'if(sum(att_n) = 0, NULL, quantilesTDigestMerge(0.5, 0.95, 0.99)(q)[2])',
  },
  p99_latency_ms: {
    inner: 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency_ms_q) AS q',
    outer: 'if(sum(att_n) = 0, NULL, quantilesTDigestMerge(0.5, 0.95, 0.99)(q)[3])',
  },
  p95_ttft_ms: {
    inner: 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft_ms_q) AS q',
    outer: 'if(sum(att_n) = 0, NULL, quantilesTDigestMerge(0.5, 0.95, 0.99)(q)[2])',
  },
  p99_ttft_ms: {
    inner: 'quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft_ms_q) AS q',
    outer: 'if(sum(att_n) = 0, NULL, quantilesTDigestMerge(0.5, 0.95, 0.99)(q)[3])',
  },
};

/** Which rollup a rule reads: per-key spend when it names a key, project or feature; else the operations rollup. */
export function rollupFor(rule: AlertRule): 'spend_per_minute_by_key_v1' | 'attempts_per_minute_by_deployment_v2' {
  const dims = [...rule.group_by, ...(Object.keys(rule.filters) as AlertDimension[])];
  if (!dims.some((d) => KEY_DIMENSIONS.has(d))) return 'attempts_per_minute_by_deployment_v2';
  if (!KEY_METRICS.has(rule.metric))
    throw new Error(`rule ${rule.name}: ${rule.metric} is not kept per key, project or feature; only spend_usd, tokens and requests are`);
  return 'spend_per_minute_by_key_v1';
}

/**
 * Reads a rule's windows from the per-minute rollups in one bounded query: rows from the oldest
 * window's start to the current window's end, each minute tagged with the window it falls in
 * (others dropped), summed per minute, then per group and window. Quantiles merge the TDigest
 * states. Dimension names come from the fixed list; every value is a bound parameter.
 */
export class RollupWindowSource implements WindowSource {
  constructor(private readonly ch: ClickHouseClient) {}

  async read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    const table = rollupFor(rule);
    const dims = rule.group_by;
    const m = METRIC_SQL[rule.metric as RollupMetric];
    if (!m) throw new Error(`rule ${rule.name}: ${rule.metric} is not a traffic rollup metric`);
    const agg = rule.aggregation === 'max_per_minute' ? 'max' : 'sum';
    const perMinute = rule.aggregation === 'avg_per_minute' ? ` / ${rule.window / 60_000}` : '';
    const volume = alertMetrics[rule.metric].volume === 'requests' ? 'req_n' : 'att_n';
    // The key rollup keeps one token total; the operations rollup keeps them by bucket.
    const tokens =
      table === 'spend_per_minute_by_key_v1' ? 'tokens' : 'input_tokens + cached_input_tokens + cache_write_tokens + output_tokens + reasoning_tokens';
    const filters = filterSql(rule.filters);
    const groupCols = dims.map((d) => `${d}, `).join('');
    const query = `
      SELECT ${groupCols}w, ${m.outer.replace('{agg}', agg)}${m.outer.includes('{agg}') ? perMinute : ''} AS value, sum(${volume}) AS volume, count() AS minutes
      FROM (
        SELECT ${groupCols}${windowIndexSql('minute')} AS w, minute,
          ${m.inner.replace('{tokens}', tokens)}, sum(requests) AS req_n, sum(attempts) AS att_n
        FROM ${table}
        WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC') ${filters.sql}
        GROUP BY ${groupCols}w, minute
        HAVING w > 0)
      GROUP BY ${groupCols}w`;
    const result = await this.ch.query({ query, query_params: { ...windowParams(windows), ...filters.params }, format: 'JSONEachRow' });
    return groupWindowRows(await result.json<WindowRow>(), dims, windows);
  }
}
