CREATE MATERIALIZED VIEW IF NOT EXISTS parity_per_minute_by_deployment_mv_v1
TO parity_per_minute_by_deployment_v1
AS
SELECT
    toStartOfMinute(started_at) AS minute,
    route,
    provider,
    deployment,
    shadow_of,
    is_stream,
    parity,
    count() AS attempts,
    countIf(shadow_match) AS shadow_matches,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd
FROM attempts
WHERE parity != '' OR shadow_of != ''
GROUP BY minute, route, provider, deployment, shadow_of, is_stream, parity
