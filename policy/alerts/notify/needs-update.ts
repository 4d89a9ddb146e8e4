import { createHash } from 'node:crypto';

/** What was last notified for one group and receiver (the notification log entry). */
export interface NotifiedEntry {
  firing: readonly string[];
  resolved: readonly string[];
  notifiedAt: number;
  idempotencyKey: string;
}

/**
 * Alertmanager's dedup decision, learnt from its DedupStage: notify a new group with firing
 * alerts; notify when an alert fires that the last notice did not carry; when everything the
 * receiver knew as firing has resolved; when something resolved that it has not heard (if it
 * wants resolved notices); and otherwise only after `repeatMs`, unless every firing alert is
 * acknowledged. Returns the reason, or null for no notification.
 */
export function needsUpdate(
  entry: NotifiedEntry | null,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  opts: { sendResolved: boolean; repeatMs: number; now: number; acknowledged: ReadonlySet<string> },
): 'new' | 'changed' | 'resolved' | 'repeat' | null {
  if (entry === null) return firing.size > 0 ? 'new' : null;
  const knownFiring = new Set(entry.firing);
  if ([...firing].some((f) => !knownFiring.has(f))) return 'changed';
  // Everything the receiver knew about has cleared: tell it, whatever send_resolved says, so its
  // picture does not stay red. Alerts that fired and cleared between two notices are not news.
  if (firing.size === 0) return entry.firing.length > 0 ? 'resolved' : null;
  const knownResolved = new Set(entry.resolved);
  if (opts.sendResolved && [...resolved].some((r) => !knownResolved.has(r))) return 'resolved';
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
