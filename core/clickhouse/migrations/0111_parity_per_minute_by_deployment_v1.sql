-- Contract checks per minute and deployment, and shadow comparisons per (deployment, alternate)
-- pair: the parity rate is ok / checked (served traffic) and matches / shadowed (shadow traffic).
-- Fed by parity_per_minute_by_deployment_mv_v1 from attempts that were checked.
CREATE TABLE IF NOT EXISTS parity_per_minute_by_deployment_v1
(
    minute        DateTime('UTC') CODEC(Delta, ZSTD),
    route         LowCardinality(String),
    provider      LowCardinality(String),
    deployment    LowCardinality(String) COMMENT 'the deployment that answered (for shadow rows: the alternate)',
    shadow_of     LowCardinality(String) COMMENT 'shadow rows: the served deployment; empty for served traffic',
    is_stream     Bool,
    parity        LowCardinality(String) COMMENT 'contract outcome; none: no contract',
    attempts      SimpleAggregateFunction(sum, UInt64) COMMENT 'attempts with this outcome',
    shadow_matches SimpleAggregateFunction(sum, UInt64) COMMENT 'shadow attempts whose answer matched the served one in structure',
    cost_usd      SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact (shadow spend on shadow rows)'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, route, deployment, shadow_of, parity, provider, is_stream)
SETTINGS non_replicated_deduplication_window = 1000
