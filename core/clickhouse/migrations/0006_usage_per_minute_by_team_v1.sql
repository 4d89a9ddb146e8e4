-- Per minute by who and what: requests, attempts, fallbacks, failures, tokens, cost, latency states.
-- Fed by usage_per_minute_by_team_mv_v1.
CREATE TABLE IF NOT EXISTS usage_per_minute_by_team_v1
(
    minute              DateTime('UTC') CODEC(Delta, ZSTD),
    team                LowCardinality(String),
    project             LowCardinality(String),
    feature             LowCardinality(String),
    route               LowCardinality(String),
    provider            LowCardinality(String),
    model               LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here',
    attempts            SimpleAggregateFunction(sum, UInt64),
    fallbacks           SimpleAggregateFunction(sum, UInt64),
    final_failures      SimpleAggregateFunction(sum, UInt64) COMMENT 'requests that ended without an answer',
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    cached_input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens    SimpleAggregateFunction(sum, UInt64),
    cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact',
    latency_ms_q        AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'attempt latency, ms',
    ttft_ms_q           AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64) COMMENT 'time to first token of ok streams, ms'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (team, project, feature, route, provider, model, minute)
SETTINGS non_replicated_deduplication_window = 1000
