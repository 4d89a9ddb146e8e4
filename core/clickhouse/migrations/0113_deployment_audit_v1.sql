-- Changes to what serves traffic that no API mutation records: routes-file reloads, applied or
-- refused (docs/audit.md). Mutations stay in api_audit_log and operator overrides in
-- routing_overrides_v1; the deploymentAudit query reads all three. Append-only.
CREATE TABLE IF NOT EXISTS deployment_audit_v1
(
    audit_id    UUID,
    at          DateTime64(3, 'UTC') COMMENT 'when the reload was applied or refused',
    kind        LowCardinality(String) COMMENT 'routes_reload|routes_reload_refused',
    host        LowCardinality(String) COMMENT 'host name of the process that reloaded',
    pid         UInt32 COMMENT 'its process id',
    service     LowCardinality(String) COMMENT 'the service that watched the file (collector)',
    file        String COMMENT 'routes file path',
    checksum    String COMMENT 'sha256 of the file bytes read, hex; empty when unreadable',
    diff        String COMMENT 'structured diff as JSON (routes, deployments, models, weights, budgets, keys by id only); {} when refused' CODEC(ZSTD),
    reason      String COMMENT 'why a reload was refused; empty when applied'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, audit_id)
