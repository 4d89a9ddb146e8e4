import type { Clock } from '../../../core/clock.ts';

/**
 * At most one send per `intervalMs` per key (Slack: one message a second per webhook URL).
 * `reserve` books the next free slot and says how long to wait for it; a 429's Retry-After
 * pushes the key's next slot out, so every group sending to that URL waits too.
 */
export class IntervalLimiter {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds to wait before sending; the slot is taken. */
  reserve(key: string): number {
    const now = this.clock.now();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + this.intervalMs);
    return slot - now;
  }

  /** Nothing goes to `key` before `untilMs`. */
  pushBack(key: string, untilMs: number): void {
    this.next.set(key, Math.max(this.next.get(key) ?? 0, untilMs));
  }
}
