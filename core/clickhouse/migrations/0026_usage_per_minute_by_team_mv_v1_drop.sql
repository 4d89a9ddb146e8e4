-- v1 rollups stay for history only: readers moved to v2 (docs/schema.md), so stop feeding them.
DROP VIEW IF EXISTS usage_per_minute_by_team_mv_v1
