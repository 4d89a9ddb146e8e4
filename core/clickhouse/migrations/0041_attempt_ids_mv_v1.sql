-- Every insert into attempts records its ids in attempt_ids_v1, in the same insert and with the
-- same deduplication token, so the state can never miss rows that reached the rollups.
CREATE MATERIALIZED VIEW IF NOT EXISTS attempt_ids_mv_v1
TO attempt_ids_v1
AS SELECT
    started_at,
    attempt_id,
    cityHash64(toString(source), source_partition, batch_first_offset, batch_last_offset) AS batch_key,
    toDateTime(ingested_at, 'UTC') AS stored_at
FROM attempts
