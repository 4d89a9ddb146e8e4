-- One row per provider attempt (the attempt event, flattened). Immutable once written.
-- ReplacingMergeTree on the full sort key is a backstop: a redelivered event is identical, so merges
-- collapse it; readers that must be exact use FINAL or count(DISTINCT attempt_id).
CREATE TABLE IF NOT EXISTS attempts
(
    attempt_id          UUID COMMENT 'UUIDv7, dedupe key',
    request_id          UUID,
    attempt_no          UInt16,
    is_final            Bool COMMENT 'last attempt of its request',
    started_at          DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    ended_at            DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    ttft_ms             Nullable(Float64) COMMENT 'milliseconds to first content token, streams only',
    latency_ms          Float64 COMMENT 'milliseconds, attempt start to end',
    route               LowCardinality(String),
    requested_model     LowCardinality(String),
    provider            LowCardinality(String),
    deployment          LowCardinality(String),
    model               LowCardinality(String),
    region              LowCardinality(String),
    is_stream           Bool,
    status              LowCardinality(String) COMMENT 'ok|error|timeout|rate_limited|cancelled|rejected',
    http_status         Nullable(UInt16),
    error_class         LowCardinality(String) COMMENT 'empty when ok',
    fallback_reason     LowCardinality(String) COMMENT 'why this attempt exists; none for the first',
    input_tokens        UInt32 COMMENT 'uncached input tokens',
    output_tokens       UInt32 COMMENT 'output tokens excluding reasoning',
    cached_input_tokens UInt32 COMMENT 'input tokens read from the provider cache',
    reasoning_tokens    UInt32,
    cost_usd            Decimal(20, 12) COMMENT 'USD, exact',
    price_version       LowCardinality(String),
    team                LowCardinality(String),
    project             LowCardinality(String),
    feature             LowCardinality(String),
    user                String,
    api_key_id          LowCardinality(String),
    environment         LowCardinality(String),
    tags_extra          Map(String, String),
    schema_version      UInt8,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when ingest stored the row'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (provider, deployment, toStartOfHour(started_at), started_at, attempt_id)
SETTINGS non_replicated_deduplication_window = 1000
