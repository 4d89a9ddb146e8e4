-- Fields the attempt event gained with the canonical provider model, budgets, tiers and opt-in
-- content. Every column has a default, so rows of older events read as "not recorded".
ALTER TABLE attempts
    ADD COLUMN IF NOT EXISTS cache_write_tokens UInt32 DEFAULT 0 COMMENT 'input tokens written to the provider prompt cache' CODEC(T64, ZSTD),
    ADD COLUMN IF NOT EXISTS finish_reason LowCardinality(String) DEFAULT '' COMMENT 'stop|length|tool_calls|content_filter; empty when no answer',
    ADD COLUMN IF NOT EXISTS provider_fields Map(String, String) COMMENT 'provider-specific answer metadata (stop_reason, system_fingerprint, safety ratings)',
    ADD COLUMN IF NOT EXISTS tier LowCardinality(String) DEFAULT '' COMMENT 'economy|standard|premium; empty without tiers',
    ADD COLUMN IF NOT EXISTS budget_decision LowCardinality(String) DEFAULT 'none' COMMENT 'none|allow|delay|downgrade|reject',
    ADD COLUMN IF NOT EXISTS budget_reserved_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, worst case held while the attempt ran',
    ADD COLUMN IF NOT EXISTS budget_delay_ms UInt32 DEFAULT 0 COMMENT 'milliseconds the request waited for budget',
    ADD COLUMN IF NOT EXISTS budget_limited_by LowCardinality(String) DEFAULT '' COMMENT 'bucket that limited the request, scope:id',
    ADD COLUMN IF NOT EXISTS prompt_text String DEFAULT '' COMMENT 'redacted prompt, only for routes that opt in' CODEC(ZSTD),
    ADD COLUMN IF NOT EXISTS completion_text String DEFAULT '' COMMENT 'redacted completion, only for routes that opt in' CODEC(ZSTD)
