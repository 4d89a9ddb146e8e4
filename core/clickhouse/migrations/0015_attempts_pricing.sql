-- What each attempt cost per token bucket, at which rates, and at list price (FOCUS needs all three).
-- Rows from before these columns read rates and bucket costs 0 (their cost is "unallocated" in the
-- rollups) and list cost equal to cost_usd.
ALTER TABLE attempts
    ADD COLUMN IF NOT EXISTS input_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'applied rate, USD per million uncached input tokens (tier resolved)',
    ADD COLUMN IF NOT EXISTS cached_input_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'applied rate, USD per million cache-read tokens',
    ADD COLUMN IF NOT EXISTS cache_write_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'applied rate, USD per million cache-write tokens',
    ADD COLUMN IF NOT EXISTS output_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'applied rate, USD per million output and reasoning tokens',
    ADD COLUMN IF NOT EXISTS list_input_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'public catalog rate, USD per million uncached input tokens',
    ADD COLUMN IF NOT EXISTS list_cached_input_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'public catalog rate, USD per million cache-read tokens',
    ADD COLUMN IF NOT EXISTS list_cache_write_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'public catalog rate, USD per million cache-write tokens',
    ADD COLUMN IF NOT EXISTS list_output_per_mtok Decimal(18, 9) DEFAULT 0 COMMENT 'public catalog rate, USD per million output and reasoning tokens',
    ADD COLUMN IF NOT EXISTS input_cost_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, exact, uncached input',
    ADD COLUMN IF NOT EXISTS cached_input_cost_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, exact, cache reads',
    ADD COLUMN IF NOT EXISTS cache_write_cost_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, exact, cache writes',
    ADD COLUMN IF NOT EXISTS output_cost_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, exact, output excluding reasoning',
    ADD COLUMN IF NOT EXISTS reasoning_cost_usd Decimal(20, 12) DEFAULT 0 COMMENT 'USD, exact, reasoning at the output rate',
    ADD COLUMN IF NOT EXISTS list_cost_usd Decimal(20, 12) DEFAULT cost_usd COMMENT 'USD, exact, the same usage at list rates'
