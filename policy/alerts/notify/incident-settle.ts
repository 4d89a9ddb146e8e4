import type { NotifiedEntry } from './needs-update.ts';
import type { NoticeAlert } from './notice.ts';

const SEVERITY_RANK: Readonly<Record<string, number>> = { info: 0, warning: 1, critical: 2 };
const rank = (a: NoticeAlert): number => SEVERITY_RANK[a.labels.severity ?? ''] ?? 1;

/**
 * The firing alerts a receiver need not hear about on their own (route.incident_settle): not in
 * its last notice, which carried firing alerts, started at most `settleMs` after that notice, and
 * no more severe than the most severe alert it carried. One incident seen by several detectors a
 * minute or two apart (a 429 storm, then its failovers) is one message; the folded alert rides
 * with the group's next notice (the all clear at the latest, which names it). `alerts` is the
 * group's (firing and resolved); `foldedBefore` what the group folded earlier in this incident
 * (kept in memory: after a restart, a folded alert firing again may make one changed message).
 * `settleMs` 0 folds nothing. Pure.
 */
export function foldedIntoIncident(
  entry: NotifiedEntry | null,
  alerts: readonly NoticeAlert[],
  settleMs: number,
  foldedBefore: ReadonlySet<string> = new Set(),
): Set<string> {
  const folded = new Set<string>();
  if (entry === null || entry.firing.length === 0 || settleMs <= 0) return folded;
  const known = new Set(entry.firing);
  const told = alerts.filter((a) => known.has(a.fingerprint));
  // After a restart the group holds only what the last notice carried; an unknown severity counts as warning.
  const worst = told.length > 0 ? Math.max(...told.map(rank)) : SEVERITY_RANK.warning!;
  for (const a of alerts) {
    // A notify_once alert is an event (a budget threshold crossed): each is news, never folded.
    if (a.status !== 'firing' || a.once || known.has(a.fingerprint)) continue;
    // Folded once in this incident, folded again: a folded alert that clears and fires again
    // (a team's spend around a key's drain) is still that incident.
    if (foldedBefore.has(a.fingerprint) || (a.startsAt <= entry.notifiedAt + settleMs && rank(a) <= worst)) folded.add(a.fingerprint);
  }
  return folded;
}
