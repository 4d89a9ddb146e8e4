-- Acknowledgements: no repeat notices for one alert's current episode (episode_start = the
-- alert's active_since); a new episode after it resolves notifies again.
CREATE TABLE IF NOT EXISTS alert_acks_v1
(
    fingerprint    String,
    episode_start  DateTime64(3, 'UTC'),
    acked_by       String,
    acked_at       DateTime64(3, 'UTC'),
    comment        String
)
ENGINE = ReplacingMergeTree(acked_at)
ORDER BY (fingerprint, episode_start)
