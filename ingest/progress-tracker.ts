import type { PartitionLag } from '../core/transport/event-bus.ts';

interface PartitionState {
  committed: string;
  lag: number;
  /** When the committed offset last moved, or the partition was last caught up, ms. */
  lastProgressMs: number;
}

/**
 * Liveness from lag samples: a partition is stalled when it has lag and its committed offset has
 * not moved for `stallMs`. Pure: samples and `nowMs` in, verdicts out.
 */
export class ProgressTracker {
  private readonly partitions = new Map<number, PartitionState>();

  observe(samples: readonly PartitionLag[], nowMs: number): void {
    for (const s of samples) {
      const prev = this.partitions.get(s.partition);
      const moved = !prev || prev.committed !== s.committed || s.lag === 0;
      this.partitions.set(s.partition, { committed: s.committed, lag: s.lag, lastProgressMs: moved ? nowMs : prev.lastProgressMs });
    }
  }

  /** Partitions with lag and no progress for at least `stallMs`. */
  stalled(nowMs: number, stallMs: number): Array<{ partition: number; lag: number; stalledForMs: number }> {
    const out: Array<{ partition: number; lag: number; stalledForMs: number }> = [];
    for (const [partition, s] of this.partitions) {
      const stalledForMs = nowMs - s.lastProgressMs;
      if (s.lag > 0 && stalledForMs >= stallMs) out.push({ partition, lag: s.lag, stalledForMs });
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  lagByPartition(): Array<{ partition: number; lag: number }> {
    return [...this.partitions].map(([partition, s]) => ({ partition, lag: s.lag }));
  }
}
