-- Where each row came from: the transport stream, partition and the exact offset range of the
-- batch that inserted it. After a crash, ingest re-cuts redelivered messages into the same
-- ranges, so the retried inserts carry the same deduplication tokens and are absorbed.
ALTER TABLE attempts
    ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '' COMMENT 'topic, or the embedded bus id',
    ADD COLUMN IF NOT EXISTS source_partition UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS batch_first_offset UInt64 DEFAULT 0 CODEC(Delta, ZSTD),
    ADD COLUMN IF NOT EXISTS batch_last_offset UInt64 DEFAULT 0 CODEC(Delta, ZSTD),
    ADD INDEX IF NOT EXISTS batch_last_offset_minmax batch_last_offset TYPE minmax GRANULARITY 1
