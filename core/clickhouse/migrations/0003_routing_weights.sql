-- Routing weights computed by the policy engine, one row per (route, deployment) per evaluation.
-- Readers take the newest row per key (argMax on computed_at); history is kept for a week.
CREATE TABLE IF NOT EXISTS routing_weights
(
    computed_at   DateTime64(3, 'UTC'),
    route         LowCardinality(String),
    deployment    LowCardinality(String),
    weight        Float64 COMMENT '0..1, relative share multiplier applied by the collector',
    success_rate  Nullable(Float64) COMMENT 'ok / attempts in the window; null without samples',
    p95_ms        Nullable(Float64) COMMENT 'p95 attempt latency in the window, milliseconds',
    attempts      UInt32 COMMENT 'attempts in the window',
    window_s      UInt32 COMMENT 'window length, seconds',
    reason        LowCardinality(String) COMMENT 'healthy|degraded|failing|probe'
)
ENGINE = MergeTree
ORDER BY (route, deployment, computed_at)
TTL toDateTime(computed_at) + INTERVAL 7 DAY
