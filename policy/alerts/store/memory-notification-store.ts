import type { NotifiedEntry } from '../notify/needs-update.ts';
import type { Notification } from '../notify/notice.ts';
import type { DeadLetter, DeliveryTry, NotificationStore, OpenGroup } from './notification-store.ts';

/** In-memory notification store for the benchmark's simulated month and unit tests (lost on exit by design). */
export class MemoryNotificationStore implements NotificationStore {
  readonly entries = new Map<string, { n: Notification; entry: NotifiedEntry }>();
  readonly tries: DeliveryTry[] = [];
  readonly dead = new Map<string, DeadLetter>();

  async lastEntry(receiver: string, groupKey: string): Promise<NotifiedEntry | null> {
    return this.entries.get(`${receiver}\n${groupKey}`)?.entry ?? null;
  }

  async openGroups(): Promise<OpenGroup[]> {
    return [...this.entries.values()]
      .filter(({ entry }) => entry.firing.length > 0)
      .map(({ n, entry }) => ({ receiver: n.receiver, groupKey: n.groupKey, groupLabels: n.groupLabels, entry, alerts: n.firing }));
  }

  async recordNotified(n: Notification, entry: NotifiedEntry): Promise<void> {
    this.entries.set(`${n.receiver}\n${n.groupKey}`, { n, entry });
  }

  async wasDelivered(key: string): Promise<boolean> {
    return this.tries.some((t) => t.idempotencyKey === key && t.outcome === 'delivered');
  }

  async recordTry(t: DeliveryTry): Promise<void> {
    this.tries.push(t);
  }

  async recordDeadLetter(d: DeadLetter): Promise<void> {
    this.dead.set(d.idempotencyKey, d);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return [...this.dead.values()].slice(-limit);
  }

  async deliveries(f: { receiver?: string; sinceMs: number; limit: number }): Promise<DeliveryTry[]> {
    return this.tries.filter((t) => t.triedAt >= f.sinceMs && (!f.receiver || t.receiver === f.receiver)).slice(-f.limit);
  }
}
