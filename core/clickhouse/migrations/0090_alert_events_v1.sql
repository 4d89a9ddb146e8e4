-- Alert evaluations: one row per alert (rule × group) per evaluation while it is not ok, and one
-- when it returns to ok. The newest row per fingerprint is the alert's state; the rows are its
-- history with the evidence (value, threshold, baseline, the baseline windows).
CREATE TABLE IF NOT EXISTS alert_events_v1
(
    evaluated_at  DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    fingerprint   String COMMENT 'hash of rule and group labels',
    rule          LowCardinality(String),
    severity      LowCardinality(String) COMMENT 'info|warning|critical',
    group_labels  Map(String, String) COMMENT 'the rule''s group_by values',
    state         LowCardinality(String) COMMENT 'ok|pending|firing|resolved|no_data',
    since         DateTime64(3, 'UTC') COMMENT 'when the state was entered',
    active_since  Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the breach (pending or firing)',
    has_evidence  Bool COMMENT 'false when there was no data',
    value         Float64 COMMENT 'the metric over the window, in the metric''s unit',
    threshold     Float64 COMMENT 'the line the value was held to (NaN: baseline too short)',
    baseline      Nullable(Float64) COMMENT 'baseline centre: median or mean of the baseline windows',
    spread        Nullable(Float64) COMMENT 'baseline spread in sigma units (1.4826 × MAD or standard deviation)',
    peer_fence    Nullable(Float64) COMMENT 'Tukey upper fence of the group''s peers',
    ratio         Float64 COMMENT 'value / threshold: fires at 1, resolves below 0.95',
    volume        UInt64 COMMENT 'requests or attempts in the window',
    series        Array(Nullable(Float64)) COMMENT 'baseline window values, oldest first'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(evaluated_at)
ORDER BY (rule, fingerprint, evaluated_at)
TTL toDateTime(evaluated_at) + toIntervalDay(90)
