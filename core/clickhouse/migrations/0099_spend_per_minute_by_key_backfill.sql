-- The detectors' baselines reach 8 days back; fill that much from raw once (FINAL: a redelivered
-- attempt counts once). Runs right after the view is created, before ingest starts in this process.
INSERT INTO spend_per_minute_by_key_v1
SELECT
    toStartOfMinute(started_at) AS minute,
    team, project, feature, api_key_id, route, provider, model,
    countIf(is_final) AS requests,
    count() AS attempts,
    sum(toUInt64(input_tokens) + toUInt64(cached_input_tokens) + toUInt64(output_tokens) + toUInt64(reasoning_tokens)) AS tokens,
    sum(toDecimal128(cost_usd, 12)) AS cost_usd
FROM attempts FINAL
WHERE started_at >= now() - INTERVAL 8 DAY
GROUP BY minute, team, project, feature, api_key_id, route, provider, model
