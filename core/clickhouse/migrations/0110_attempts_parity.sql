-- Parity (docs/parity.md): the contract check of each answer and, for shadow traffic, the
-- comparison with the served answer. Older rows read as not checked.
ALTER TABLE attempts
    ADD COLUMN IF NOT EXISTS parity LowCardinality(String) DEFAULT '' COMMENT 'ok|invalid_json|schema_violation|unknown_tool|invalid_tool_args|none; empty: not checked',
    ADD COLUMN IF NOT EXISTS shadow_of LowCardinality(String) DEFAULT '' COMMENT 'shadow traffic: the served deployment this attempt copies; empty otherwise',
    ADD COLUMN IF NOT EXISTS shadow_match Bool DEFAULT false COMMENT 'shadow traffic: the answer matched the served one in structure',
    ADD COLUMN IF NOT EXISTS shadow_differences Array(LowCardinality(String)) DEFAULT [] COMMENT 'shadow traffic: contract_outcome|finish_reason|tool_names|answer_length|shadow_failed'
