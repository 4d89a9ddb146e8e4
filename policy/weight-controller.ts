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
  /** Suppressed by flap damping: set at `suppressPenalty`, cleared below `reusePenalty`. */
  suppressed: boolean;
}

export type StepKind = 'first' | 'decrease' | 'hard_drop' | 'increase' | 'held' | 'steady';

export interface StepResult {
  state: ControllerState;
  kind: StepKind;
  /** Recovery hold in force, ms (0 when none). */
  holdMs: number;
}

/**
 * One controller step toward `target` (in [0, 1]) at `nowMs`; `unhealthy` is a failure signal
 * (health below the degraded line), `hardFailure` a severe one:
 * - dead band: a target within `deadband` of the current weight changes nothing (hysteresis);
 * - multiplicative decrease: at most to `decreaseFactor` × the current weight per step, except
 *   that a hard failure (`hardFailure`) drops straight to the target;
 * - additive increase: at most `increaseStep` per step (a step ending within the dead band ends on the target), and only once the recovery hold since the
 *   last decrease has passed — the hold grows with the flap penalty (route flap damping, RFC 2439),
 *   and at `suppressPenalty` the deployment is suppressed (no increase) until the penalty decays
 *   below `reusePenalty` — so a deployment that keeps failing and recovering stays low instead
 *   of oscillating, even when its failures are only seen now and then;
 * - increases are clocked by evidence: with no attempt in the live window (`observed` false) the
 *   weight is held, as TCP's additive increase is clocked by acknowledgements — a deployment
 *   explored at the floor gets a probe now and then, and without one it is not raised blind
 *   (found case: a flapping deployment raised to 0.3 in a down phase no probe had seen);
 * The exploration floor is applied on publication (routing-decisions.ts), not here.
 * AIMD after Chiu & Jain (1989). Pure: the state and the clock come in, the next state goes out.
 */
export function stepWeight(
  prev: ControllerState | undefined,
  target: number,
  hardFailure: boolean,
  nowMs: number,
  s: PolicySettings,
  unhealthy = hardFailure,
  observed = true,
): StepResult {
  if (!prev) {
    // First seen already below full weight: that is a failure episode like any other.
    const bad = target < 1 - s.deadband;
    const state = { weight: round4(target), lastDecreaseAtMs: bad ? nowMs : null, penalty: bad ? 1 : 0, penaltyAtMs: nowMs, inEpisode: bad, suppressed: false };
    return { state, kind: 'first', holdMs: bad ? recoveryHold(1, s) : 0 };
  }
  const penalty = prev.penalty * Math.pow(0.5, Math.max(0, nowMs - prev.penaltyAtMs) / s.flapPenaltyHalfLifeMs);
  const base = { ...prev, penalty, penaltyAtMs: nowMs };
  const holdMs = recoveryHold(penalty, s);
  if (target < prev.weight - s.deadband || (hardFailure && target < prev.weight)) {
    const next = hardFailure ? target : Math.max(target, prev.weight * s.decreaseFactor);
    const raised = prev.inEpisode ? penalty : penalty + 1;
    const state = {
      ...base,
      weight: round4(next),
      lastDecreaseAtMs: nowMs,
      penalty: raised,
      inEpisode: true,
      suppressed: base.suppressed || raised >= s.suppressPenalty,
    };
    return { state, kind: hardFailure ? 'hard_drop' : 'decrease', holdMs: state.suppressed ? suppressionLeft(raised, s) : recoveryHold(raised, s) };
  }
  // A failure signal that does not lower the weight (it is already low) still counts: no increase,
  // the hold runs from its latest signal and, outside an episode, one starts — so failures seen
  // only through exploration probes still feed the flap penalty.
  if (unhealthy) {
    const raised = prev.inEpisode ? penalty : penalty + 1;
    const state = { ...base, lastDecreaseAtMs: nowMs, penalty: raised, inEpisode: true, suppressed: base.suppressed || raised >= s.suppressPenalty };
    return { state, kind: 'steady', holdMs: state.suppressed ? suppressionLeft(raised, s) : recoveryHold(raised, s) };
  }
  if (base.suppressed && penalty < s.reusePenalty) base.suppressed = false;
  const holding = base.suppressed || (prev.lastDecreaseAtMs !== null && nowMs - prev.lastDecreaseAtMs < holdMs);
  if (target > prev.weight + s.deadband) {
    if (holding) return { state: base, kind: 'held', holdMs: base.suppressed ? suppressionLeft(penalty, s) : holdMs };
    if (!observed) return { state: base, kind: 'held', holdMs: 0 };
    const raised = Math.min(target, prev.weight + s.increaseStep);
    // Landing within the dead band of the target lands on it; otherwise the band would strand it just below.
    const state = { ...base, weight: round4(target - raised <= s.deadband + 1e-9 ? target : raised), inEpisode: false };
    return { state, kind: 'increase', holdMs: 0 };
  }
  return { state: { ...base, inEpisode: base.inEpisode && holding }, kind: 'steady', holdMs: holding ? holdMs : 0 };
}

/** How long until a penalty decays below the reuse threshold, ms. */
function suppressionLeft(penalty: number, s: PolicySettings): number {
  return Math.max(0, s.flapPenaltyHalfLifeMs * Math.log2(penalty / s.reusePenalty));
}

/** Recovery hold for a flap penalty: `recoveryHoldMs` × max(1, penalty), capped. */
export function recoveryHold(penalty: number, s: PolicySettings): number {
  return Math.min(s.maxRecoveryHoldMs, s.recoveryHoldMs * Math.max(1, penalty));
}
