import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { BudgetLedger, BudgetLimit, Reservation } from './budget-ledger.ts';
import type { LeaseHold, LeaseLedger, LeaseState } from './lease-ledger.ts';

/** A request's hold in the rolling buckets and in the calendar budgets' leases. */
export interface Reserved {
  buckets: Reservation;
  leases: LeaseHold | null;
  /** A shadow budget that would have refused this request. */
  shadowRefusal: LeaseState | null;
}

export type ReserveEverywhere =
  | { ok: true; reserved: Reserved; low: boolean }
  | { ok: false; kind: 'rolling'; limitedBy: string; limit: BudgetLimit; waitMs: number }
  | { ok: false; kind: 'calendar'; limiting: { state: LeaseState; neverFits: boolean } };

/** Reserves `amountNano` in every rolling bucket and calendar lease that applies, or in none. */
export function reserveEverywhere(ledger: BudgetLedger, leases: LeaseLedger | null, tags: AttemptTags, amountNano: number, nowMs: number): ReserveEverywhere {
  const rolling = ledger.tryReserve(tags, amountNano, nowMs);
  if (!rolling.ok) return { ok: false, kind: 'rolling', limitedBy: rolling.limitedBy, limit: rolling.limit, waitMs: rolling.waitMs };
  if (!leases) return { ok: true, reserved: { buckets: rolling.reservation, leases: null, shadowRefusal: null }, low: false };
  const calendar = leases.tryReserve(tags, amountNano, nowMs);
  if (calendar.ok)
    return { ok: true, reserved: { buckets: rolling.reservation, leases: calendar.hold, shadowRefusal: calendar.shadowRefusal }, low: calendar.low };
  // Give the buckets back exactly what was taken: settling to zero cost returns the whole hold.
  ledger.settle(rolling.reservation, 0, nowMs);
  return { ok: false, kind: 'calendar', limiting: { state: calendar.limiting, neverFits: calendar.neverFits } };
}
