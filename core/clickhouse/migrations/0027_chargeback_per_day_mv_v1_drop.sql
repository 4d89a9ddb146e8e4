-- v1 rollups stay for history only: readers moved to v2 (docs/schema.md), so stop feeding them.
DROP VIEW IF EXISTS chargeback_per_day_mv_v1
