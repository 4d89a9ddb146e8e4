-- Every HTTP try of every notification: outcome, status and latency. Never the URL or a secret:
-- receivers are named, endpoints identified by a short hash.
CREATE TABLE IF NOT EXISTS alert_deliveries_v1
(
    tried_at         DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    idempotency_key  String,
    receiver         LowCardinality(String),
    receiver_type    LowCardinality(String) COMMENT 'slack|webhook',
    endpoint_id      LowCardinality(String) COMMENT 'first 12 hex of SHA-256 of the URL',
    group_key        String,
    try_no           UInt16,
    outcome          LowCardinality(String) COMMENT 'delivered|rate_limited|retryable|rejected',
    http_status      Nullable(UInt16),
    latency_ms       Float64 COMMENT 'ms, request start to answer or failure',
    detail           String COMMENT 'receiver''s short answer or the network error, redacted'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(tried_at)
ORDER BY (receiver, tried_at, idempotency_key)
TTL toDateTime(tried_at) + toIntervalDay(90)
