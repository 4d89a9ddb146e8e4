-- Notifications that could not be delivered within their bounds, kept with the payload so an
-- operator can read and resend them. The newest row per idempotency_key wins (resent_at set).
CREATE TABLE IF NOT EXISTS alert_dead_letters_v1
(
    idempotency_key  String,
    dead_at          DateTime64(3, 'UTC'),
    receiver         LowCardinality(String),
    group_key        String,
    reason           String COMMENT 'rejected|tries|deadline|retry_after_too_long and the last answer, redacted',
    tries            UInt16,
    notification     String COMMENT 'the notification as JSON, enough to rebuild the payload; no URL or secret' CODEC(ZSTD),
    resent_at        Nullable(DateTime64(3, 'UTC')),
    resend_outcome   LowCardinality(String) COMMENT 'empty until resent; delivered or the failure',
    version          UInt64 COMMENT 'ms; the highest wins'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY idempotency_key
