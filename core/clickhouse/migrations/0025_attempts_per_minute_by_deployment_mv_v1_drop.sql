-- v1 rollups stay for history only: readers moved to v2 (docs/schema.md), so stop feeding them.
DROP VIEW IF EXISTS attempts_per_minute_by_deployment_mv_v1
