-- The operations rollup's view (0017's query) plus served_content_filtered: ok attempts whose
-- answer the provider cut for content (finish_reason content_filter), a Trust signal.
CREATE MATERIALIZED VIEW IF NOT EXISTS attempts_per_minute_by_deployment_mv_v3
TO attempts_per_minute_by_deployment_v2
AS
SELECT
    toStartOfMinute(started_at) AS minute,
    route,
    provider,
    deployment,
    model,
    region,
    tier,
    team,
    count() AS attempts,
    countIf(is_final) AS requests,
    countIf(is_final AND status = 'ok') AS requests_served,
    countIf(status = 'ok') AS ok,
    countIf(status = 'ok' AND finish_reason = 'content_filter') AS served_content_filtered,
    countIf(status = 'error') AS error,
    countIf(status = 'timeout') AS timeout,
    countIf(status = 'rate_limited') AS rate_limited,
    countIf(status = 'cancelled') AS cancelled,
    countIf(status = 'rejected' AND budget_decision != 'reject') AS rejected,
    countIf(status = 'rejected' AND budget_decision = 'reject') AS budget_refused,
    sumMapIf(map(toString(error_class), toUInt64(1)), error_class != '') AS errors_by_class,
    sumMapIf(map(toString(fallback_reason), toUInt64(1)), fallback_reason != 'none') AS fallbacks_by_reason,
    countIf(attempt_no > 1) AS retries,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(cached_input_tokens)) AS cached_input_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(latency_ms, status != 'rejected') AS latency_ms_q,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(latency_ms, status = 'ok') AS ok_latency_ms_q,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), status = 'ok' AND is_stream AND ttft_ms IS NOT NULL) AS ttft_ms_q,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(
        greatest(latency_ms - ifNull(ttft_ms, 0), 0) / greatest(attempts.output_tokens, 1),
        status = 'ok' AND is_stream AND ttft_ms IS NOT NULL AND attempts.output_tokens > 0) AS tpot_ms_q,
    -- Fixed bucket upper bounds (ms); goodput for an SLO on these bounds sums the keys within it.
    sumMapIf(map(concat(
        toString(arrayFirst(b -> latency_ms <= b, [250., 500., 1000., 2000., 5000., 10000., 20000., 30000., 60000., 120000., inf])),
        ':',
        if(ttft_ms IS NULL, 'none', toString(arrayFirst(b -> assumeNotNull(ttft_ms) <= b, [100., 250., 500., 1000., 2000., 5000., 10000., inf])))),
        toUInt64(1)), is_final AND status = 'ok') AS served_by_latency_ttft
FROM attempts
GROUP BY minute, route, provider, deployment, model, region, tier, team
