-- Per UTC day by the full chargeback key: what finance bills back. Fed by chargeback_per_day_mv_v1.
CREATE TABLE IF NOT EXISTS chargeback_per_day_v1
(
    day                 Date,
    team                LowCardinality(String),
    project             LowCardinality(String),
    feature             LowCardinality(String),
    user                String,
    api_key_id          LowCardinality(String),
    provider            LowCardinality(String),
    model               LowCardinality(String),
    price_version       LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64),
    attempts            SimpleAggregateFunction(sum, UInt64),
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    cached_input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens    SimpleAggregateFunction(sum, UInt64),
    cost_usd            SimpleAggregateFunction(sum, Decimal(38, 12)) COMMENT 'USD, exact'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, team, project, feature, user, api_key_id, provider, model, price_version)
SETTINGS non_replicated_deduplication_window = 1000
