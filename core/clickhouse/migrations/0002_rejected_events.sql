-- Messages ingest could not accept (invalid JSON, schema violations), kept verbatim for diagnosis and replay.
CREATE TABLE IF NOT EXISTS rejected_events
(
    rejected_at  DateTime64(3, 'UTC') DEFAULT now64(3),
    source       LowCardinality(String) COMMENT 'topic or transport name',
    partition    UInt32,
    offset       String COMMENT 'transport offset, decimal',
    error        String COMMENT 'which fields were wrong and why',
    payload      String COMMENT 'the raw message as received'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(rejected_at)
ORDER BY (source, rejected_at)
