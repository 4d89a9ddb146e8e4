-- Operator overrides (pin, drain, canary share) with their audit facts. A row is never edited:
-- lifting an override early inserts the same override_id again with revoked_at set and a later
-- updated_at; readers take argMax(…, updated_at) per override_id.
CREATE TABLE IF NOT EXISTS routing_overrides_v1
(
    override_id     UUID,
    updated_at      DateTime64(3, 'UTC'),
    route           LowCardinality(String),
    deployment      LowCardinality(String),
    action          LowCardinality(String) COMMENT 'pin|drain|canary',
    share           Nullable(Float64) COMMENT 'canary: share of the route first picks, 0..1',
    actor           String COMMENT 'API principal id that set it',
    reason          String COMMENT 'why, in the operator words',
    created_at      DateTime64(3, 'UTC'),
    expires_at      DateTime64(3, 'UTC'),
    revoked_at      Nullable(DateTime64(3, 'UTC')),
    revoked_by      String DEFAULT '',
    revoke_reason   String DEFAULT ''
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY override_id
