import { createHash } from 'node:crypto';

/** What was last notified for one group and receiver (the notification log entry). */
export interface NotifiedEntry {
  firing: readonly string[];
  resolved: readonly string[];
  notifiedAt: number;
  idempotencyKey: string;
}

/** What the dedup decision needs besides the alert sets. Times are epoch ms. */
export interface UpdateOptions {
  /** The receiver wants resolved notices (send_resolved). */
  sendResolved: boolean;
  /** With sendResolved: also a notice when part of a firing group resolves (Alertmanager's default). */
  partialResolved: boolean;
  repeatMs: number;
  now: number;
  acknowledged: ReadonlySet<string>;
  /** Firing alerts that joined an already-notified incident (route.incident_settle): not news on their own. */
  folded: ReadonlySet<string>;
}

/**
 * Alertmanager's dedup decision, learnt from its DedupStage: notify a new group with firing
 * alerts, or one whose last notice was its all clear (a new incident); notify when an alert
 * fires that the last notice did not carry (unless it was folded into the incident already
 * notified); when everything the receiver knew as firing has resolved;
 * when part of the group resolved that it has not heard (only with partialResolved: one incident
 * ends in one resolved notice by default); and otherwise only after `repeatMs`, unless every
 * firing alert is acknowledged. Returns the reason, or null for no notification.
 */
export function needsUpdate(
  entry: NotifiedEntry | null,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  opts: UpdateOptions,
): 'new' | 'changed' | 'resolved' | 'repeat' | null {
  // After an all clear the group starts a new incident: that is news as 'new', not a change.
  if (entry === null || entry.firing.length === 0) return firing.size > 0 ? 'new' : null;
  const knownFiring = new Set(entry.firing);
  if ([...firing].some((f) => !knownFiring.has(f) && !opts.folded.has(f))) return 'changed';
  // Everything the receiver knew about has cleared: tell it, whatever send_resolved says, so its
  // picture does not stay red. Alerts that fired and cleared between two notices are not news.
  if (firing.size === 0) return entry.firing.length > 0 ? 'resolved' : null;
  const knownResolved = new Set(entry.resolved);
  if (opts.sendResolved && opts.partialResolved && [...resolved].some((r) => !knownResolved.has(r))) return 'resolved';
  if ([...firing].every((f) => opts.acknowledged.has(f))) return null;
  return entry.notifiedAt <= opts.now - opts.repeatMs ? 'repeat' : null;
}

/**
 * The idempotency key of a notification: receiver, group, content and — for repeats — the time
 * of the notice it repeats, so a repeat is a new key but a retry or a restart is not.
 */
export function idempotencyKey(
  receiver: string,
  groupKey: string,
  firing: readonly string[],
  resolved: readonly string[],
  previousNotifiedAt: number | null,
): string {
  const content = [receiver, groupKey, [...firing].sort().join(','), [...resolved].sort().join(','), String(previousNotifiedAt ?? '')].join('\n');
  return `ntf_${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}
