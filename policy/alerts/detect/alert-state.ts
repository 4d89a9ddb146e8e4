import type { Evidence } from './evidence.ts';

export const alertStateNames = ['ok', 'pending', 'firing', 'resolved', 'no_data'] as const;
export type AlertStateName = (typeof alertStateNames)[number];

/** A firing alert stays firing while its ratio is at least this (fires at 1, resolves below 0.95). */
export const RESOLVE_RATIO = 0.95;

/** Where one alert (a rule × one group) stands. Times are epoch ms. */
export interface AlertState {
  state: AlertStateName;
  /** When the current state was entered. */
  since: number;
  /** When the current breach began (pending or firing); null otherwise. */
  activeSince: number | null;
  evaluatedAt: number;
  /** Null when there was no data. */
  evidence: Evidence | null;
}

/**
 * The next state of one alert. Breaching means ratio ≥ 1 with sufficient evidence; a breach
 * must last `pendingMs` to fire; a firing alert resolves when its ratio drops below
 * RESOLVE_RATIO (hysteresis, so a value hovering at the threshold does not flap) or its data
 * stops. `resolved` lasts one evaluation, then `ok`. Pure: `now` is an argument.
 */
export function nextAlertState(prev: AlertState | undefined, evidence: Evidence | null, pendingMs: number, now: number): AlertState {
  const was = prev?.state ?? 'ok';
  const to = (state: AlertStateName, activeSince: number | null): AlertState => ({
    state,
    since: state === was && prev ? prev.since : now,
    activeSince,
    evaluatedAt: now,
    evidence,
  });
  if (evidence === null) return to(was === 'firing' ? 'resolved' : 'no_data', null);
  const breaching = evidence.sufficient && evidence.ratio >= 1;
  if (was === 'firing') {
    return evidence.ratio >= RESOLVE_RATIO ? to('firing', prev!.activeSince) : to('resolved', null);
  }
  if (!breaching) return to('ok', null);
  const activeSince = was === 'pending' ? prev!.activeSince! : now;
  return now - activeSince >= pendingMs ? to('firing', activeSince) : to('pending', activeSince);
}
