import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { GroupWindows } from '../detect/evidence.ts';
import { alertMetrics, type AlertDimension, type AlertMetric } from '../rules/alert-metrics.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';

/** Rule dimensions only the per-key spend rollup has. */
const KEY_DIMENSIONS: ReadonlySet<AlertDimension> = new Set(['project', 'feature', 'api_key_id']);
const KEY_METRICS: ReadonlySet<AlertMetric> = new Set(['spend_usd', 'tokens', 'requests']);

/** Per-minute sums (inner query) and how the window value is formed from them (outer query), per metric. */
const METRIC_SQL: Record<AlertMetric, { inner: string; outer: string }> = {
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
    const m = METRIC_SQL[rule.metric];
    const agg = rule.aggregation === 'max_per_minute' ? 'max' : 'sum';
    const perMinute = rule.aggregation === 'avg_per_minute' ? ` / ${rule.window / 60_000}` : '';
    const volume = alertMetrics[rule.metric].volume === 'requests' ? 'req_n' : 'att_n';
    // The key rollup keeps one token total; the operations rollup keeps them by bucket.
    const tokens =
      table === 'spend_per_minute_by_key_v1' ? 'tokens' : 'input_tokens + cached_input_tokens + cache_write_tokens + output_tokens + reasoning_tokens';
    const filters = Object.entries(rule.filters)
      .map(([d], i) => `AND ${d} IN {f${i}:Array(String)}`)
      .join(' ');
    const filterParams = Object.fromEntries(Object.values(rule.filters).map((v, i) => [`f${i}`, Array.isArray(v) ? v : [v]]));
    const groupCols = dims.map((d) => `${d}, `).join('');
    const query = `
      SELECT ${groupCols}w, ${m.outer.replace('{agg}', agg)}${m.outer.includes('{agg}') ? perMinute : ''} AS value, sum(${volume}) AS volume, count() AS minutes
      FROM (
        SELECT ${groupCols}arrayFirstIndex((s, e) -> minute >= s AND minute < e, {starts:Array(DateTime('UTC'))}, {ends:Array(DateTime('UTC'))}) AS w, minute,
          ${m.inner.replace('{tokens}', tokens)}, sum(requests) AS req_n, sum(attempts) AS att_n
        FROM ${table}
        WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC') ${filters}
        GROUP BY ${groupCols}w, minute
        HAVING w > 0)
      GROUP BY ${groupCols}w`;
    const secs = (ms: number) => Math.floor(ms / 1000);
    const result = await this.ch.query({
      query,
      query_params: {
        starts: windows.map((w) => secs(w.startMs)),
        ends: windows.map((w) => secs(w.endMs)),
        from: secs(Math.min(...windows.map((w) => w.startMs))),
        to: secs(Math.max(...windows.map((w) => w.endMs))),
        ...filterParams,
      },
      format: 'JSONEachRow',
    });
    type Row = Record<string, string | number | null> & { w: number | string; value: number | null; volume: string | number };
    const groups = new Map<string, GroupWindows>();
    for (const r of await result.json<Row>()) {
      const labels = Object.fromEntries(dims.map((d) => [d, String(r[d] ?? '')]));
      const key = JSON.stringify(labels);
      const g = groups.get(key) ?? { labels, current: null, baseline: windows.slice(1).map(() => null) };
      groups.set(key, g);
      const index = Number(r.w) - 1;
      if (r.value === null) continue;
      if (index === 0) g.current = { value: Number(r.value), volume: Number(r.volume) };
      else g.baseline[index - 1] = Number(r.value);
    }
    return [...groups.values()];
  }
}
