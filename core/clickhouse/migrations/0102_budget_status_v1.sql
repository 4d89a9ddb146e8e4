-- What the policy service computed for each budget subject, once a minute. Read the latest
-- evaluated_at per (budget_id, subject). Money columns are USD, exact to the nanodollar.
CREATE TABLE IF NOT EXISTS budget_status_v1
(
    evaluated_at     DateTime('UTC') CODEC(Delta, ZSTD),
    budget_id        LowCardinality(String),
    subject          String,
    scope            LowCardinality(String),
    period           LowCardinality(String),
    period_start     DateTime('UTC'),
    period_end       DateTime('UTC'),
    limit_usd        Decimal(18, 9),
    spent_usd        Decimal(18, 9) COMMENT 'spend of record: rollup or lease reports, the larger',
    reserved_usd     Decimal(18, 9) COMMENT 'worst cases in flight at the collectors',
    leased_usd       Decimal(18, 9) COMMENT 'granted to collectors, not yet spent',
    remaining_usd    Decimal(18, 9) COMMENT 'limit − spent, floored at 0',
    burn_usd_per_hour Decimal(18, 9),
    forecast_usd     Decimal(18, 9) COMMENT 'expected spend at period end',
    status           LowCardinality(String) COMMENT 'ok|warning|exceeded|forecast_exceeded'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(evaluated_at)
ORDER BY (budget_id, subject, evaluated_at)
TTL evaluated_at + INTERVAL 90 DAY
