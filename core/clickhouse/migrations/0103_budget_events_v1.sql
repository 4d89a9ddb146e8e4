-- Budget events for alerting (docs/budgets.md): a threshold crossed (kind = threshold, threshold
-- = the share of the soft limit) or the forecast past the hard limit (kind = forecast_exceeds).
-- At most one row per (budget_id, subject, period_start, kind, threshold); re-evaluations
-- insert the same event_id, which the engine collapses.
CREATE TABLE IF NOT EXISTS budget_events_v1
(
    event_id      UUID COMMENT 'deterministic from budget, subject, period, kind and threshold',
    occurred_at   DateTime64(3, 'UTC'),
    budget_id     LowCardinality(String),
    subject       String,
    scope         LowCardinality(String),
    period_start  DateTime('UTC'),
    period_end    DateTime('UTC'),
    kind          LowCardinality(String) COMMENT 'threshold|forecast_exceeds',
    threshold     Float64 COMMENT 'share of the soft limit crossed; 0 for forecast_exceeds',
    limit_usd     Decimal(18, 9),
    soft_limit_usd Decimal(18, 9),
    spent_usd     Decimal(18, 9),
    forecast_usd  Decimal(18, 9),
    shadow        Bool COMMENT 'the budget only records, it does not enforce'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(period_start)
ORDER BY (budget_id, subject, period_start, kind, threshold)
