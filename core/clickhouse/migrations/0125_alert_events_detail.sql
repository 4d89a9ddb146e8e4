-- What the source said about an alert's value (the policy engine's reason for a deployment's
-- weight, the budget event crossed), kept with the evidence. Older rows read as empty.
ALTER TABLE alert_events_v1
    ADD COLUMN IF NOT EXISTS detail String DEFAULT '' COMMENT 'the source''s sentence about the value; empty for traffic metrics'
