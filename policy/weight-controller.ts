import type { PolicySettings } from './policy-settings.ts';
import { round4 } from './evidence-smoothing.ts';

/** What the controller remembers about one deployment between evaluations. */
export interface ControllerState {
  /** The controller's weight multiplier in [0, 1] (the published one adds the exploration floor). */
  weight: number;
  /** When the weight was last lowered, ms since epoch; null if never. */
  lastDecreaseAtMs: number | null;
  /** Flap penalty (one per failure episode), decayed with `flapPenaltyHalfLifeMs`. */
  penalty: number;
  /** When `penalty` was last updated, ms since epoch. */
  penaltyAtMs: number;
  /** True from a decrease until an increase is allowed again: one failure episode. */
  inEpisode: boolean;
}

export type StepKind = 'first' | 'decrease' | 'hard_drop' | 'increase' | 'held' | 'steady';

export interface StepResult {
  state: ControllerState;
  kind: StepKind;
  /** Recovery hold in force, ms (0 when none). */
  holdMs: number;
}

/**
 * One controller step toward `target` (in [0, 1]) at `nowMs`:
 * - dead band: a target within `deadband` of the current weight changes nothing (hysteresis);
 * - multiplicative decrease: at most to `decreaseFactor` × the current weight per step, except
 *   that a hard failure (`hardFailure`) drops straight to the target;
 * - additive increase: at most `increaseStep` per step (a step ending within the dead band ends on the target), and only once the recovery hold since the
 *   last decrease has passed — the hold grows with the flap penalty (route flap damping, RFC 2439),
 *   so a deployment that keeps failing and recovering stays low instead of oscillating;
 * The exploration floor is applied on publication (routing-decisions.ts), not here.
 * AIMD after Chiu & Jain (1989). Pure: the state and the clock come in, the next state goes out.
 */
export function stepWeight(prev: ControllerState | undefined, target: number, hardFailure: boolean, nowMs: number, s: PolicySettings): StepResult {
  if (!prev) {
    // First seen already below full weight: that is a failure episode like any other.
    const bad = target < 1 - s.deadband;
    const state = { weight: round4(target), lastDecreaseAtMs: bad ? nowMs : null, penalty: bad ? 1 : 0, penaltyAtMs: nowMs, inEpisode: bad };
    return { state, kind: 'first', holdMs: bad ? recoveryHold(1, s) : 0 };
  }
  const penalty = prev.penalty * Math.pow(0.5, Math.max(0, nowMs - prev.penaltyAtMs) / s.flapPenaltyHalfLifeMs);
  const base = { ...prev, penalty, penaltyAtMs: nowMs };
  const holdMs = recoveryHold(penalty, s);
  if (target < prev.weight - s.deadband || (hardFailure && target < prev.weight)) {
    const next = hardFailure ? target : Math.max(target, prev.weight * s.decreaseFactor);
    const state = { ...base, weight: round4(next), lastDecreaseAtMs: nowMs, penalty: prev.inEpisode ? penalty : penalty + 1, inEpisode: true };
    return { state, kind: hardFailure ? 'hard_drop' : 'decrease', holdMs: recoveryHold(state.penalty, s) };
  }
  const holding = prev.lastDecreaseAtMs !== null && nowMs - prev.lastDecreaseAtMs < holdMs;
  if (target > prev.weight + s.deadband) {
    if (holding) return { state: base, kind: 'held', holdMs };
    const raised = Math.min(target, prev.weight + s.increaseStep);
    // Landing within the dead band of the target lands on it; otherwise the band would strand it just below.
    const state = { ...base, weight: round4(target - raised <= s.deadband + 1e-9 ? target : raised), inEpisode: false };
    return { state, kind: 'increase', holdMs: 0 };
  }
  // A hard failure that persists keeps the hold running from its latest signal.
  if (hardFailure) return { state: { ...base, lastDecreaseAtMs: nowMs, inEpisode: true }, kind: 'steady', holdMs };
  return { state: { ...base, inEpisode: base.inEpisode && holding }, kind: 'steady', holdMs: holding ? holdMs : 0 };
}

/** Recovery hold for a flap penalty: `recoveryHoldMs` × max(1, penalty), capped. */
export function recoveryHold(penalty: number, s: PolicySettings): number {
  return Math.min(s.maxRecoveryHoldMs, s.recoveryHoldMs * Math.max(1, penalty));
}
