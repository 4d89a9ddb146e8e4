CREATE MATERIALIZED VIEW IF NOT EXISTS chargeback_per_day_mv_v1
TO chargeback_per_day_v1
AS SELECT
    toDate(started_at) AS day,
    team,
    project,
    feature,
    user,
    api_key_id,
    provider,
    model,
    price_version,
    countIf(is_final) AS requests,
    count() AS attempts,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(cached_input_tokens)) AS cached_input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd
FROM attempts
GROUP BY day, team, project, feature, user, api_key_id, provider, model, price_version
