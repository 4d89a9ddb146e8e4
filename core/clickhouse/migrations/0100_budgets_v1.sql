-- Calendar budgets: from the routes file (source = routes, written at start by the policy/API
-- process) and from GraphQL (source = api). The newest version per budget_id wins; deleting
-- writes a version with deleted = true. Readers take FINAL or argMax(…, version).
CREATE TABLE IF NOT EXISTS budgets_v1
(
    budget_id   String,
    definition  String COMMENT 'the budget as validated JSON (collector/budget/budget-definition.ts)' CODEC(ZSTD),
    source      LowCardinality(String) COMMENT 'routes|api',
    deleted     Bool,
    updated_by  String COMMENT 'API principal id, or routes-file',
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64 COMMENT 'ms; the highest wins'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY budget_id
