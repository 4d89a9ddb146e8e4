CREATE MATERIALIZED VIEW IF NOT EXISTS attempts_per_minute_by_deployment_mv_v1
TO attempts_per_minute_by_deployment_v1
AS SELECT
    toStartOfMinute(started_at) AS minute,
    provider,
    deployment,
    model,
    count() AS attempts,
    countIf(status = 'ok') AS ok,
    countIf(status IN ('error', 'timeout')) AS errors,
    countIf(status = 'rate_limited') AS rate_limited,
    sumMap(map(error_class, toUInt64(error_class != ''))) AS errors_by_class,
    countIf(attempt_no > 1) AS retries,
    countIf(fallback_reason != 'none') AS fallbacks,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(cached_input_tokens)) AS cached_input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency_ms_q,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL AND status = 'ok') AS ttft_ms_q
FROM attempts
GROUP BY minute, provider, deployment, model
