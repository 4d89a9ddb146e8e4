-- One row per GraphQL mutation the API was asked to run, whatever came of it (ok, denied, error).
-- Append-only: nothing in the API updates or deletes it.
CREATE TABLE IF NOT EXISTS api_audit_log
(
    audit_id     UUID,
    at           DateTime64(3, 'UTC') COMMENT 'when the mutation finished',
    principal_id LowCardinality(String) COMMENT 'API token id, or "anonymous" on the loopback default',
    role         LowCardinality(String) COMMENT 'viewer|finance|operator|admin|service',
    operation    LowCardinality(String) COMMENT 'Mutation.<field>',
    arguments    String COMMENT 'the arguments as JSON, secrets redacted' CODEC(ZSTD),
    outcome      LowCardinality(String) COMMENT 'ok|denied|error',
    error_code   LowCardinality(String) COMMENT 'BAD_USER_INPUT|FORBIDDEN|INTERNAL…; empty when ok'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, audit_id)
