import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, customVariable, filters, tablePanel, timeSeriesPanel } from './board-kit.ts';

const where = `$__timeFilter(minute) AND ${filters(['team', 'route', 'provider', 'model'])}`;
const from = 'attempts_per_minute_by_deployment_v2';

/**
 * Served requests within the SLO, from the rollup's goodput buckets: keys are
 * "<latency upper bound ms>:<TTFT upper bound ms | none>"; a request that was not streamed gets
 * its first token with the whole answer, so its latency is held to the TTFT bound too (as the
 * policy's goodputReport does). The bounds offered by the variables are bucket edges, so the
 * count is exact.
 */
const withinSlo = `arraySum(mapValues(mapFilter((k, v) ->
    toFloat64(splitByChar(':', k)[1]) <= $slo_latency_ms
    AND toFloat64(if(splitByChar(':', k)[2] = 'none', splitByChar(':', k)[1], splitByChar(':', k)[2])) <= $slo_ttft_ms, served_by_latency_ttft)))`;

/** Latency, TTFT and time per output token percentiles and goodput against an SLO (per-minute rollup). */
export function latencyBoard(): DashboardBuilder {
  const quantile = (title: string, description: string, state: string, level: 1 | 2 | 3) =>
    timeSeriesPanel(
      title,
      description,
      `SELECT $__timeInterval(minute) AS time, deployment, arrayElement(quantilesTDigestMerge(0.5, 0.95, 0.99)(${state}), ${level}) AS ms
       FROM ${from} WHERE ${where} GROUP BY time, deployment ORDER BY time`,
      'ms',
    );
  return board('switchyard-latency', 'Switchyard · Latency', 'Latency, time to first token, time per output token and goodput against the SLO.', 'now-6h', [
    'team',
    'route',
    'provider',
    'model',
  ])
    .withVariable(customVariable('slo_latency_ms', 'SLO latency ≤ ms', ['10000', '250', '500', '1000', '2000', '5000', '20000', '30000', '60000']))
    .withVariable(customVariable('slo_ttft_ms', 'SLO TTFT ≤ ms', ['1000', '100', '250', '500', '2000', '5000', '10000']))
    .withPanel(quantile('p95 latency by deployment', 'p95 of successful attempts, ms (TDigest).', 'ok_latency_ms_q', 2))
    .withPanel(quantile('p99 latency by deployment', 'p99 of successful attempts, ms (TDigest).', 'ok_latency_ms_q', 3))
    .withPanel(quantile('p95 time to first token by deployment', 'p95 time to the first content token of successful streams, ms.', 'ttft_ms_q', 2))
    .withPanel(quantile('p50 time per output token by deployment', 'Median (latency − TTFT) ÷ output tokens of successful streams, ms.', 'tpot_ms_q', 1))
    .withRow(new RowBuilder('Goodput'))
    .withPanel(
      timeSeriesPanel(
        'Goodput share by route',
        'Requests served within the SLO (latency ≤ $slo_latency_ms ms and, for streams, TTFT ≤ $slo_ttft_ms ms) ÷ all requests.',
        `SELECT time, route, good / nullIf(total, 0) AS goodput_share FROM (
           SELECT $__timeInterval(minute) AS time, route, sum(${withinSlo}) AS good, sum(requests) AS total
           FROM ${from} WHERE ${where} GROUP BY time, route) ORDER BY time`,
        'percentunit',
      ),
    )
    .withPanel(
      timeSeriesPanel(
        'Goodput by route',
        'Requests per second served within the SLO.',
        `SELECT $__timeInterval(minute) AS time, route, sum(${withinSlo}) / $__interval_s AS goodput_rps
         FROM ${from} WHERE ${where} GROUP BY time, route ORDER BY time`,
        'reqps',
      ),
    )
    .withRow(new RowBuilder('Percentiles'))
    .withPanel(
      tablePanel(
        'Percentiles by deployment',
        'Over the whole range: latency of successful attempts, TTFT and time per output token of successful streams, ms.',
        `SELECT route, deployment, sum(ok) AS ok_attempts,
           arrayMap(x -> round(x, 1), quantilesTDigestMerge(0.5, 0.95, 0.99)(ok_latency_ms_q)) AS latency_p50_p95_p99_ms,
           arrayMap(x -> round(x, 1), quantilesTDigestMerge(0.5, 0.95, 0.99)(ttft_ms_q)) AS ttft_p50_p95_p99_ms,
           arrayMap(x -> round(x, 3), quantilesTDigestMerge(0.5, 0.95, 0.99)(tpot_ms_q)) AS tpot_p50_p95_p99_ms
         FROM ${from} WHERE ${where} GROUP BY route, deployment ORDER BY route, deployment`,
      ),
    );
}
