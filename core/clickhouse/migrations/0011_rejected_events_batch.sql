-- The batch range a rejected message belonged to (see 0010), and how it was dead-lettered.
ALTER TABLE rejected_events
    ADD COLUMN IF NOT EXISTS batch_first_offset UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS batch_last_offset UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS stage LowCardinality(String) DEFAULT 'validation' COMMENT 'validation (schema) or insert (ClickHouse refused the row)'
