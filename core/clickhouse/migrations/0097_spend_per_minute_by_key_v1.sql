-- Spend per minute by key, for the denial-of-wallet detector and key-level spend rules: the
-- operations rollup has no key and the chargeback rollups are hourly. Fed by
-- spend_per_minute_by_key_mv_v1.
CREATE TABLE IF NOT EXISTS spend_per_minute_by_key_v1
(
    minute       DateTime('UTC') CODEC(Delta, ZSTD),
    team         LowCardinality(String),
    project      LowCardinality(String),
    feature      LowCardinality(String),
    api_key_id   LowCardinality(String),
    route        LowCardinality(String),
    provider     LowCardinality(String),
    model        LowCardinality(String),
    requests     SimpleAggregateFunction(sum, UInt64) COMMENT 'requests whose final attempt is here',
    attempts     SimpleAggregateFunction(sum, UInt64),
    tokens       SimpleAggregateFunction(sum, UInt64) COMMENT 'input, cached, output and reasoning tokens',
    cost_usd     SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, team, api_key_id, project, feature, route, provider, model)
TTL minute + toIntervalDay(35)
SETTINGS non_replicated_deduplication_window = 1000
