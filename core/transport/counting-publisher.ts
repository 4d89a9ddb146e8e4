import type { AttemptEvent } from '../events/attempt-event.ts';
import type { AttemptPublisher } from './event-bus.ts';

/** Attempts a collector emitted, in total and per provider. */
export interface EmittedCounts {
  total: number;
  byProvider: Record<string, number>;
}

/**
 * Wraps a publisher to count what passes through it; the drill and tests reconcile storage against it.
 * `beforeFlush` runs before each flush and close: events still waiting to be published (the
 * collector records after answering, collector/dispatch/after-answer.ts) are published first, so
 * a flush still covers every request already answered.
 */
export function countingPublisher(inner: AttemptPublisher, beforeFlush: () => void = () => {}): { publisher: AttemptPublisher; counts: EmittedCounts } {
  const counts: EmittedCounts = { total: 0, byProvider: {} };
  const publisher: AttemptPublisher = {
    publish(event: AttemptEvent) {
      counts.total++;
      counts.byProvider[event.provider] = (counts.byProvider[event.provider] ?? 0) + 1;
      inner.publish(event);
    },
    flush: () => {
      beforeFlush();
      return inner.flush();
    },
    close: () => {
      beforeFlush();
      return inner.close();
    },
    get dropped() {
      return inner.dropped;
    },
    ...(inner.emission ? { emission: () => inner.emission!() } : {}),
  };
  return { publisher, counts };
}
