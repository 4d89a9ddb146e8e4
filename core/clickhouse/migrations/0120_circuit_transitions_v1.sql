-- Circuit breaker reports from the collectors (collector/resilience/circuit-journal.ts, sent by the
-- weights poller through the reportCircuitTransitions mutation): each state change of a
-- deployment's circuit per collector, plus a heartbeat about every minute while a circuit stays
-- open or half-open. The policy reads them for Availability's circuit-open time (docs/policy.md).
-- Append-only; a retried report may repeat a row, which the union of open intervals absorbs.
CREATE TABLE IF NOT EXISTS circuit_transitions_v1
(
    at          DateTime64(3, 'UTC') COMMENT 'when the circuit entered the state (heartbeat: was still in it), collector clock',
    route       LowCardinality(String),
    deployment  LowCardinality(String),
    collector   LowCardinality(String) COMMENT 'collector instance id that saw it',
    state       LowCardinality(String) COMMENT 'open|half_open|closed',
    received_at DateTime64(3, 'UTC') COMMENT 'when the API stored the report, API clock'
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(at)
ORDER BY (route, deployment, at)
TTL toDateTime(at) + INTERVAL 30 DAY
