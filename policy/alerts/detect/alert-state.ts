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
  /** While firing: when the ratio first dropped below RESOLVE_RATIO (keep_firing_for counts from here); else null. */
  quietSince?: number | null;
  /** Null when there was no data. */
  evidence: Evidence | null;
}

/**
 * The next state of one alert. Breaching means ratio ≥ 1 with sufficient evidence; a breach
 * must last `pendingMs` to fire; a firing alert resolves once its ratio has stayed below
 * RESOLVE_RATIO (hysteresis, so a value hovering at the threshold does not flap) for
 * `keepFiringMs`, or at once when its data stops. `resolved` lasts one evaluation, then `ok`.
 * Pure: `now` is an argument.
 */
export function nextAlertState(prev: AlertState | undefined, evidence: Evidence | null, pendingMs: number, now: number, keepFiringMs = 0): AlertState {
  const was = prev?.state ?? 'ok';
  const to = (state: AlertStateName, activeSince: number | null, quietSince: number | null = null): AlertState => ({
    state,
    since: state === was && prev ? prev.since : now,
    activeSince,
    evaluatedAt: now,
    quietSince,
    evidence,
  });
  if (evidence === null) return to(was === 'firing' ? 'resolved' : 'no_data', null);
  const breaching = evidence.sufficient && evidence.ratio >= 1;
  if (was === 'firing') {
    if (evidence.ratio >= RESOLVE_RATIO) return to('firing', prev!.activeSince);
    const quietSince = prev!.quietSince ?? now;
    return now - quietSince >= keepFiringMs ? to('resolved', null) : to('firing', prev!.activeSince, quietSince);
  }
  if (!breaching) return to('ok', null);
  const activeSince = was === 'pending' ? prev!.activeSince! : now;
  return now - activeSince >= pendingMs ? to('firing', activeSince) : to('pending', activeSince);
}
