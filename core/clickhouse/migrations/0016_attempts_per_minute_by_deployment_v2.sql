-- Operations per minute: reliability, outcomes, tokens, cost, latency states and goodput buckets by
-- route, deployment and team. Fed by attempts_per_minute_by_deployment_mv_v2; read with sum(),
-- sumMap() and quantilesTDigestMerge(<any levels>)(state). Outcome counts are disjoint and add up
-- to attempts.
CREATE TABLE IF NOT EXISTS attempts_per_minute_by_deployment_v2
(
    minute                 DateTime('UTC') CODEC(Delta, ZSTD),
    route                  LowCardinality(String),
    provider               LowCardinality(String),
    deployment             LowCardinality(String),
    model                  LowCardinality(String),
    region                 LowCardinality(String),
    tier                   LowCardinality(String),
    team                   LowCardinality(String),
    attempts               SimpleAggregateFunction(sum, UInt64),
    requests               SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here',
    requests_served        SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here and ok',
    ok                     SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts',
    error                  SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts',
    timeout                SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts',
    rate_limited           SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts',
    cancelled              SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts: client gone or hedge lost',
    rejected               SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts refused before a call (circuit open), budget refusals excluded',
    budget_refused         SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts refused by a budget (rejected with decision reject)',
    errors_by_class        SimpleAggregateFunction(sumMap, Map(String, UInt64)) COMMENT 'error_class → attempts',
    fallbacks_by_reason    SimpleAggregateFunction(sumMap, Map(String, UInt64)) COMMENT 'fallback_reason → attempts caused by an earlier failure',
    retries                SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts with attempt_no > 1',
    input_tokens           SimpleAggregateFunction(sum, UInt64) COMMENT 'uncached input',
    cached_input_tokens    SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens     SimpleAggregateFunction(sum, UInt64),
    output_tokens          SimpleAggregateFunction(sum, UInt64) COMMENT 'excluding reasoning',
    reasoning_tokens       SimpleAggregateFunction(sum, UInt64),
    cost_usd               SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    latency_ms_q           AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'ms, attempts that called a provider (not rejected)',
    ok_latency_ms_q        AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'ms, ok attempts',
    ttft_ms_q              AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'ms to first token, ok streams',
    tpot_ms_q              AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'ms per output token after the first, (latency - ttft) / output_tokens, ok streams with output',
    served_by_latency_ttft SimpleAggregateFunction(sumMap, Map(String, UInt64)) COMMENT 'served requests by "<latency le ms>:<ttft le ms|none>" bucket upper bounds, for goodput'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, route, deployment, provider, model, region, tier, team)
SETTINGS non_replicated_deduplication_window = 1000
