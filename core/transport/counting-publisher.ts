import type { AttemptEvent } from '../events/attempt-event.ts';
import type { AttemptPublisher } from './event-bus.ts';

/** Attempts a collector emitted, in total and per provider. */
export interface EmittedCounts {
  total: number;
  byProvider: Record<string, number>;
}

/** Wraps a publisher to count what passes through it; the drill and tests reconcile storage against it. */
export function countingPublisher(inner: AttemptPublisher): { publisher: AttemptPublisher; counts: EmittedCounts } {
  const counts: EmittedCounts = { total: 0, byProvider: {} };
  const publisher: AttemptPublisher = {
    publish(event: AttemptEvent) {
      counts.total++;
      counts.byProvider[event.provider] = (counts.byProvider[event.provider] ?? 0) + 1;
      inner.publish(event);
    },
    flush: () => inner.flush(),
    close: () => inner.close(),
    get dropped() {
      return inner.dropped;
    },
    ...(inner.emission ? { emission: () => inner.emission!() } : {}),
  };
  return { publisher, counts };
}
