CREATE MATERIALIZED VIEW IF NOT EXISTS usage_per_minute_by_team_mv_v1
TO usage_per_minute_by_team_v1
AS SELECT
    toStartOfMinute(started_at) AS minute,
    team,
    project,
    feature,
    route,
    provider,
    model,
    countIf(is_final) AS requests,
    count() AS attempts,
    countIf(fallback_reason != 'none') AS fallbacks,
    countIf(is_final AND status != 'ok') AS final_failures,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(cached_input_tokens)) AS cached_input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency_ms_q,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL AND status = 'ok') AS ttft_ms_q
FROM attempts
GROUP BY minute, team, project, feature, route, provider, model
