-- The notification log: what each receiver was last told about each group (Alertmanager's nflog),
-- written after a delivery succeeds. The newest row per (receiver, group_key) decides whether the
-- next flush notifies; it survives a restart of the policy process.
CREATE TABLE IF NOT EXISTS alert_notifications_v1
(
    notified_at      DateTime64(3, 'UTC'),
    receiver         LowCardinality(String),
    group_key        String,
    group_labels     Map(String, String),
    idempotency_key  String COMMENT 'hash of receiver, group, content and the notice it repeats',
    reason           LowCardinality(String) COMMENT 'new|changed|resolved|repeat',
    firing           Array(String) COMMENT 'fingerprints notified as firing',
    resolved         Array(String) COMMENT 'fingerprints notified as resolved',
    alerts           String COMMENT 'the notified alerts as JSON (labels, status, evidence); no receiver URL or secret' CODEC(ZSTD)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(notified_at)
ORDER BY (receiver, group_key, notified_at)
TTL toDateTime(notified_at) + toIntervalDay(90)
