-- The grantor's lease book: per budget subject, period and collector, what the collector
-- reported spent and what it may spend (cumulative in the period). Written before every grant is
-- answered, so a restarted grantor never hands out twice what it already granted.
CREATE TABLE IF NOT EXISTS budget_leases_v1
(
    budget_id       String,
    subject         String COMMENT 'the tag value the budget counts for; empty for org',
    period_start    DateTime64(3, 'UTC'),
    collector       String COMMENT 'collector id (SWITCHYARD_COLLECTOR_ID), stable across restarts',
    spent_nano      Int64 COMMENT 'cumulative settled spend reported, nanodollars',
    reserved_nano   Int64 COMMENT 'worst cases in flight at the last renewal, nanodollars',
    allowance_nano  Int64 COMMENT 'cumulative amount it may spend in the period, nanodollars',
    want_nano       Int64 COMMENT 'its last stated demand, nanodollars',
    updated_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(period_start)
ORDER BY (budget_id, subject, period_start, collector)
