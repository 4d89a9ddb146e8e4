-- Served answers the provider cut for content (status ok, finish_reason content_filter, e.g. a
-- Gemini prompt block or an OpenAI content_filter finish): a Trust signal beside the refusals that
-- failed over (errors_by_class['content_filter']). Rows from before read as 0.
ALTER TABLE attempts_per_minute_by_deployment_v2
    ADD COLUMN IF NOT EXISTS served_content_filtered SimpleAggregateFunction(sum, UInt64) DEFAULT 0 COMMENT 'ok attempts with finish_reason content_filter'
