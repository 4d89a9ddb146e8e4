-- Today's level factor an anomaly rule with level_span scaled its baseline by (detect/seasonal-level.ts),
-- kept with the evidence. NULL: the rule has no level_span, or the row predates it.
ALTER TABLE alert_events_v1
    ADD COLUMN IF NOT EXISTS level Nullable(Float64) COMMENT 'today''s level / the baseline days'' (0.5..1.5); NULL without level_span'
