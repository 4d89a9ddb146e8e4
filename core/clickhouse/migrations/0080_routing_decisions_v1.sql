-- One row per (policy evaluation, route, deployment): the published weight, why, the CRAFT scores
-- and live health behind it, the evidence, and any operator override. Every evaluation writes
-- every configured deployment of every route with one computed_at, so "the latest evaluation"
-- holds exactly the deployments configured then (removed ones are absent). History for
-- providerScores and the routing board; kept 30 days.
CREATE TABLE IF NOT EXISTS routing_decisions_v1
(
    computed_at         DateTime64(3, 'UTC') COMMENT 'evaluation time',
    route               LowCardinality(String),
    deployment          LowCardinality(String),
    weight              Float64 COMMENT '0..1 multiplier the collector applies to the configured weight',
    share               Float64 COMMENT '0..1 expected share of the route first picks',
    reason              LowCardinality(String) COMMENT 'healthy|thin_evidence|degraded|failing|recovering|rate_limited|pinned|pinned_elsewhere|drained|canary',
    detail              String COMMENT 'the sentence explaining the weight',
    composite           Float64 COMMENT 'CRAFT composite 0..1',
    cost                Float64 COMMENT 'CRAFT Cost 0..1',
    reliability         Float64 COMMENT 'CRAFT Reliability 0..1',
    availability        Float64 COMMENT 'CRAFT Availability 0..1',
    flexibility         Float64 COMMENT 'CRAFT Flexibility 0..1',
    trust               Float64 COMMENT 'CRAFT Trust 0..1',
    health              Float64 COMMENT 'live health 0..1 = reliability_health x latency_health',
    reliability_health  Float64,
    latency_health      Float64,
    confidence          Float64 COMMENT 'n / (n + prior attempts)',
    target              Float64 COMMENT 'weight the evidence asks for before step limits',
    attempts            UInt32 COMMENT 'attempts with a verdict in the live window',
    success_rate        Float64 COMMENT 'smoothed success rate in the live window',
    rate_limited_share  Float64 COMMENT '429s / attempts in the live window',
    p95_ms              Nullable(Float64) COMMENT 'p95 latency of ok attempts in the live window, ms',
    window_s            UInt32 COMMENT 'live window length, seconds',
    craft_evidence      String COMMENT 'JSON: per factor {score, windowS, evidence: [{name, value, unit}]}' CODEC(ZSTD),
    override_action     LowCardinality(String) COMMENT 'pin|drain|canary in force, empty if none',
    override            String COMMENT 'JSON of the override in force {id, action, share, actor, reason, expiresAt}, empty if none'
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(computed_at)
ORDER BY (route, computed_at, deployment)
TTL toDateTime(computed_at) + INTERVAL 30 DAY
