-- Deduplication tokens only work on a non-replicated table with a window: without it a replayed
-- batch recorded its rejected messages twice.
ALTER TABLE rejected_events MODIFY SETTING non_replicated_deduplication_window = 1000
