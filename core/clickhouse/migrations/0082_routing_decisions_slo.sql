-- The goodput SLO each route had when the policy evaluated it (from the routes file), so the API
-- can report goodput per route without reading the routes file itself. NULL: no SLO configured.
ALTER TABLE routing_decisions_v1
    ADD COLUMN IF NOT EXISTS slo_latency_ms Nullable(UInt32) COMMENT 'route SLO: latency bound, ms',
    ADD COLUMN IF NOT EXISTS slo_ttft_ms Nullable(UInt32) COMMENT 'route SLO: TTFT bound, ms; NULL = latency only'
