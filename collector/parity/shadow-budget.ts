import { picoToUsd, toScaled } from '../../core/money/decimal-usd.ts';

const PICO = 12;

/**
 * Shadow spend per route and UTC day, exact in pico-dollars. A shadow call may start while the
 * day's spend is below the limit and fewer than `maxInFlight` are running, so the overshoot is
 * bounded by the calls in flight when the limit is crossed. In memory: a restart starts the
 * day's count again (at most one more day's limit per restart).
 */
export class ShadowBudget {
  private readonly days = new Map<string, { day: string; spentPico: bigint; inFlight: number }>();

  /** Claims a slot for one shadow call; false when the day's budget is spent or too many run. */
  tryStart(route: string, limitUsd: number, maxInFlight: number, nowMs: number): boolean {
    const state = this.state(route, nowMs);
    if (state.spentPico >= toScaled(limitUsd, PICO) || state.inFlight >= maxInFlight) return false;
    state.inFlight++;
    return true;
  }

  /** Ends a call started with tryStart, adding its exact cost (USD decimal string). */
  finish(route: string, costUsd: string, nowMs: number): void {
    const state = this.state(route, nowMs);
    state.inFlight = Math.max(0, state.inFlight - 1);
    state.spentPico += toScaled(costUsd, PICO);
  }

  /** Spent today on this route, USD. */
  spentUsd(route: string, nowMs: number): string {
    return picoToUsd(this.state(route, nowMs).spentPico);
  }

  private state(route: string, nowMs: number) {
    const day = new Date(nowMs).toISOString().slice(0, 10);
    let state = this.days.get(route);
    if (!state || state.day !== day) {
      state = { day, spentPico: 0n, inFlight: state?.inFlight ?? 0 };
      this.days.set(route, state);
    }
    return state;
  }
}
