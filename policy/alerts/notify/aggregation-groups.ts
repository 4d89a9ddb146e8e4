import type { NoticeAlert } from './notice.ts';

export interface GroupingOptions {
  /** Alert labels that form a group (missing labels count as empty). */
  groupBy: readonly string[];
  /** Wait after a group's first alert, so alerts of one incident arrive together, ms. */
  groupWaitMs: number;
  /** Between two notices of one group, ms. */
  groupIntervalMs: number;
  /** How long past its due time a group waits for an alert of its own that is pending, ms (0: never). */
  pendingHoldMs?: number;
}

/** Alerts of one receiver that share the group labels; flushed together. */
export interface AggregationGroup {
  key: string;
  receiver: string;
  labels: Record<string, string>;
  alerts: Map<string, NoticeAlert>;
  /** When the group may next notify, epoch ms. */
  nextFlushAt: number;
  /** An alert that would join this group is pending (about to fire) as of the last evaluation. */
  pending?: boolean;
  /** Alerts folded into the incident this group told (route.incident_settle); in memory only. */
  folded: Set<string>;
}

/**
 * Alertmanager's aggregation groups, learnt from its dispatcher: a new group waits
 * `groupWaitMs` before its first notice, then is looked at every `groupIntervalMs`; an alert
 * joining a group between flushes waits for the next one. Resolved alerts leave a group once a
 * flush has dealt with them; an empty group is dropped. Pure: `now` is an argument.
 */
export class AggregationGroups {
  private readonly groups = new Map<string, AggregationGroup>();

  constructor(private readonly options: GroupingOptions) {}

  /** Adds or replaces an alert in its group for `receiver`. */
  upsert(receiver: string, alert: NoticeAlert, now: number): AggregationGroup {
    const { key, labels } = this.keyOf(receiver, alert.labels);
    let group = this.groups.get(key);
    if (!group) {
      // A resolved alert alone never opens a group: there is nothing the receiver needs to hear.
      if (alert.status === 'resolved') return { key, receiver, labels, alerts: new Map(), nextFlushAt: Infinity, folded: new Set() };
      group = { key, receiver, labels, alerts: new Map(), nextFlushAt: now + this.options.groupWaitMs, folded: new Set() };
      this.groups.set(key, group);
    }
    group.alerts.set(alert.fingerprint, alert);
    return group;
  }

  /** Restores a group known from the notification log after a restart, due at `nextFlushAt`. */
  restore(key: string, receiver: string, labels: Record<string, string>, alerts: readonly NoticeAlert[], nextFlushAt: number): void {
    if (this.groups.has(key)) return;
    this.groups.set(key, { key, receiver, labels, alerts: new Map(alerts.map((a) => [a.fingerprint, a])), nextFlushAt, folded: new Set() });
  }

  /** The group an alert with these labels belongs to, for one receiver. */
  keyOf(receiver: string, alertLabels: Readonly<Record<string, string>>): { key: string; labels: Record<string, string> } {
    const labels = Object.fromEntries(this.options.groupBy.map((l) => [l, alertLabels[l] ?? '']));
    return { key: `${receiver}:${JSON.stringify(labels)}`, labels };
  }

  /**
   * Marks the groups that have an alert pending now (every other group has none). Detectors that
   * see one incident often fire a minute apart; a due group waiting for its pending alert sends
   * them in one notice instead of a notice and a "changed" one.
   */
  setPending(keys: ReadonlySet<string>): void {
    for (const g of this.groups.values()) g.pending = keys.has(g.key);
  }

  /** Groups whose flush time has come: due, and not waiting (within pendingHoldMs) for a pending alert. */
  due(now: number): AggregationGroup[] {
    const hold = this.options.pendingHoldMs ?? 0;
    return [...this.groups.values()].filter((g) => g.nextFlushAt <= now && !(g.pending && now < g.nextFlushAt + hold));
  }

  /** After a flush (sent or not needed): resolved alerts seen by it leave, the next flush is one interval away. */
  flushed(group: AggregationGroup, handledResolved: ReadonlySet<string>, now: number): void {
    for (const fp of handledResolved) {
      if (group.alerts.get(fp)?.status === 'resolved') group.alerts.delete(fp);
    }
    if (group.alerts.size === 0) this.groups.delete(group.key);
    else group.nextFlushAt = now + this.options.groupIntervalMs;
  }

  /** Flush left for a later try (delivery failed): keep every alert, try again next interval. */
  retryLater(group: AggregationGroup, now: number): void {
    group.nextFlushAt = now + this.options.groupIntervalMs;
  }

  get size(): number {
    return this.groups.size;
  }

  all(): AggregationGroup[] {
    return [...this.groups.values()];
  }
}
