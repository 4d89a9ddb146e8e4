-- Silences mute notifications for alerts whose labels match every matcher within [starts_at, ends_at).
-- Expiring one writes a newer version with ends_at = now.
CREATE TABLE IF NOT EXISTS alert_silences_v1
(
    silence_id  String,
    matchers    Map(String, String) COMMENT 'label → exact value',
    starts_at   DateTime64(3, 'UTC'),
    ends_at     DateTime64(3, 'UTC'),
    created_by  String,
    comment     String,
    version     UInt64 COMMENT 'ms; the highest wins'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY silence_id
