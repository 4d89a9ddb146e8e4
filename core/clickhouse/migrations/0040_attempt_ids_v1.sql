-- Deduplication state: which attempt ids are stored, and by which insert. Ingest looks up each
-- batch's (started_at, attempt_id) pairs here before inserting into `attempts`, so a copy
-- delivered again at another offset never reaches `attempts` or any rollup fed from it.
-- Ordered by started_at first: a copy carries its original's started_at, so each lookup touches
-- only the granules holding the batch's own timestamps. Rows live 8 days after they were stored:
-- the deduplication window (ingest/attempt-dedupe.ts, DEDUPE_WINDOW_DAYS), at least the spool's
-- maximum age and Kafka's default 7-day retention. Whole daily parts are dropped at expiry.
CREATE TABLE IF NOT EXISTS attempt_ids_v1
(
    started_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    attempt_id UUID,
    batch_key  UInt64 COMMENT 'cityHash64(source, source_partition, batch_first_offset, batch_last_offset) of the insert that stored the row',
    stored_at  DateTime('UTC') COMMENT 'when the row reached attempts; the window counts from here'
)
ENGINE = MergeTree
PARTITION BY toDate(stored_at)
ORDER BY (started_at, attempt_id)
TTL stored_at + INTERVAL 8 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000
