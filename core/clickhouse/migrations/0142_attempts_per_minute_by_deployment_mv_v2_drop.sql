-- The operations rollup's view is replaced by attempts_per_minute_by_deployment_mv_v3 (0143), which
-- also counts served_content_filtered (0140). Dropped and created anew rather than changed with
-- ALTER … MODIFY QUERY: a view changed that way counted a replayed insert again after the store
-- was reopened (ingest/replay-after-reopen.accuracy.test.ts), breaking exactly-once rollups.
-- Ingest is not running while migrations run, so no insert falls between the two statements.
DROP VIEW IF EXISTS attempts_per_minute_by_deployment_mv_v2
