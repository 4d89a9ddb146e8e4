import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';

/** An attempt publisher that keeps every event in `events`, in order, for a test to read. */
export function collectingPublisher(events: AttemptEvent[]): AttemptPublisher {
  return { publish: (e) => void events.push(e), flush: async () => {}, close: async () => {}, dropped: 0 };
}
