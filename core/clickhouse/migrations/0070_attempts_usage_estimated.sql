-- Attempts whose provider reported no usage (a compatible host ignoring include_usage, a body
-- without usage): their token counts were counted by the shim with a tokenizer. Older rows read
-- as reported.
ALTER TABLE attempts
    ADD COLUMN IF NOT EXISTS usage_estimated Bool DEFAULT false COMMENT 'true: token counts estimated by the shim, the provider reported none'
