-- Per minute and deployment: reliability, tokens, cost and latency/TTFT quantile states.
-- Fed by attempts_per_minute_by_deployment_mv_v1. Read with sum() / quantilesTDigestMerge().
CREATE TABLE IF NOT EXISTS attempts_per_minute_by_deployment_v1
(
    minute              DateTime('UTC') CODEC(Delta, ZSTD),
    provider            LowCardinality(String),
    deployment          LowCardinality(String),
    model               LowCardinality(String),
    attempts            SimpleAggregateFunction(sum, UInt64),
    ok                  SimpleAggregateFunction(sum, UInt64),
    errors              SimpleAggregateFunction(sum, UInt64) COMMENT 'status error or timeout',
    rate_limited        SimpleAggregateFunction(sum, UInt64),
    errors_by_class     SimpleAggregateFunction(sumMap, Map(String, UInt64)) COMMENT 'error_class → attempts',
    retries             SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts with attempt_no > 1',
    fallbacks           SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts caused by an earlier failure',
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
ORDER BY (provider, deployment, model, minute)
SETTINGS non_replicated_deduplication_window = 1000
