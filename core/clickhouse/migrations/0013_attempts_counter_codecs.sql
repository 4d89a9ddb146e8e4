-- Counters and measurements compress far better with type-aware codecs than with the default LZ4.
ALTER TABLE attempts
    MODIFY COLUMN input_tokens CODEC(T64, ZSTD),
    MODIFY COLUMN output_tokens CODEC(T64, ZSTD),
    MODIFY COLUMN cached_input_tokens CODEC(T64, ZSTD),
    MODIFY COLUMN reasoning_tokens CODEC(T64, ZSTD),
    MODIFY COLUMN attempt_no CODEC(T64, ZSTD),
    MODIFY COLUMN latency_ms CODEC(Gorilla, ZSTD),
    MODIFY COLUMN cost_usd CODEC(ZSTD)
