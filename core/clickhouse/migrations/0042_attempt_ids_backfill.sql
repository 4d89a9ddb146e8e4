-- Rows stored before the view above existed, within the window, so a copy arriving right after
-- the upgrade is still recognised. Ids inserted while this runs may be recorded twice: harmless,
-- the table is a set.
INSERT INTO attempt_ids_v1 (started_at, attempt_id, batch_key, stored_at)
SELECT started_at, attempt_id, cityHash64(toString(source), source_partition, batch_first_offset, batch_last_offset), toDateTime(ingested_at, 'UTC')
FROM attempts
WHERE ingested_at >= now() - INTERVAL 8 DAY
