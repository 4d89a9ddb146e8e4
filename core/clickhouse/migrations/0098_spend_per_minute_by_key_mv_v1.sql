CREATE MATERIALIZED VIEW IF NOT EXISTS spend_per_minute_by_key_mv_v1
TO spend_per_minute_by_key_v1
AS
SELECT
    toStartOfMinute(started_at) AS minute,
    team,
    project,
    feature,
    api_key_id,
    route,
    provider,
    model,
    countIf(is_final) AS requests,
    count() AS attempts,
    sum(toUInt64(input_tokens) + toUInt64(cached_input_tokens) + toUInt64(output_tokens) + toUInt64(reasoning_tokens)) AS tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd
FROM attempts
GROUP BY minute, team, project, feature, api_key_id, route, provider, model
