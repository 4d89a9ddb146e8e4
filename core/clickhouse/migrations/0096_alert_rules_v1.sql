-- Alert rules created or changed through GraphQL (rules in the routes file are not stored here).
-- The newest version per name wins; deleting writes a version with deleted = true.
CREATE TABLE IF NOT EXISTS alert_rules_v1
(
    name        String,
    rule        String COMMENT 'the rule as validated JSON (durations in ms)' CODEC(ZSTD),
    deleted     Bool,
    updated_by  String,
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64 COMMENT 'ms; the highest wins'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name
