import type { AttemptTags } from '../../core/events/attempt-event.ts';
import { subjectKey, type CalendarBudget } from './budget-definition.ts';
import { periodBounds, type PeriodBounds } from './budget-period.ts';
import { usdToNano } from './cost-bucket.ts';
import type { Headroom } from './headroom.ts';
import type { LeaseGrant, LeaseReport } from './lease-protocol.ts';
import { leaseTermMs, MIN_ROUND_TRIP_MS, nextRate, renewAheadNano } from './renew-ahead.ts';

/** How long the grantor may stay silent before fail-open budgets stop limiting, ms (docs/budgets.md: `fail_open`). */
export const FAIL_OPEN_AFTER_MS = 15_000;

/** One budget subject as this collector sees it: its lease and what it holds against it. */
export interface LeaseState {
  budget: CalendarBudget;
  subject: string;
  period: PeriodBounds;
  /** Cumulative nanodollars this collector may spend in the period (from the grantor). */
  allowanceNano: number;
  /** Settled spend this collector made in the period, nanodollars. */
  spentNano: number;
  /** Worst cases of requests in flight, nanodollars. */
  reservedNano: number;
  /** Nanodollars asked for since the last renewal (granted or not): the demand the next lease is sized on. */
  demandNano: number;
  /** Largest single worst case seen: a lease smaller than two of these starves the collector. */
  maxRequestNano: number;
  /** Recent demand, nanodollars per ms (smoothed over renewals: `nextRate`). */
  rateNanoPerMs: number;
  /** Low-water mark, nanodollars: what the recent rate spends within two renewal round trips (`renewAheadNano`). */
  lowWaterNano: number;
  /** Left in the budget beyond every lease, at the last grant; null before one. */
  unleasedNano: number | null;
  /**
   * While a renewal is in flight (or its answer was maybe lost): the most this subject may hold,
   * the committed amount it reported plus the margin it reported as reserved. The grantor may
   * shrink the allowance to that floor, so spending past it could hand out money twice.
   */
  renewCapNano: number | null;
}

export interface LeaseHold {
  states: LeaseState[];
  amountNano: number;
}

export type LeaseReserveResult =
  | { ok: true; hold: LeaseHold; shadowRefusal: LeaseState | null; /** Some lease is down to its low-water mark: renew now, without waiting. */ low: boolean }
  | { ok: false; limiting: LeaseState; neverFits: boolean };

export function tagValue(tags: AttemptTags, scope: CalendarBudget['scope']): string {
  if (scope === 'org') return '';
  return scope === 'key' ? tags.api_key_id : tags[scope];
}

/**
 * The collector's side of calendar budgets: per budget subject, the lease the grantor gave and
 * the reserve → settle accounting against it. A request reserves its worst case in every budget
 * that encloses it, or in none; nothing awaits in between.
 */
export class LeaseLedger {
  private budgets: CalendarBudget[] = [];
  private readonly states = new Map<string, LeaseState>();
  /** When the grantor last answered, ms; fail-open budgets stop limiting once this is stale. */
  private grantorOkAtMs: number | null = null;

  /** The routes file's budgets: always enforced, whatever the grantor's list says (it may lag the file). */
  private fromFile: CalendarBudget[];
  private fromGrantor: CalendarBudget[] = [];

  constructor(
    budgets: CalendarBudget[],
    private readonly failOpenAfterMs = FAIL_OPEN_AFTER_MS,
  ) {
    this.fromFile = budgets;
    this.setBudgets([]);
  }

  /** A reloaded routes file's budgets (the grantor learns them when the policy/API process syncs). */
  setFileBudgets(budgets: CalendarBudget[]): void {
    this.fromFile = budgets;
    this.setBudgets(this.fromGrantor);
  }

  /** The grantor's list of budgets in force; for an id in both, the grantor's version wins. */
  setBudgets(fromGrantor: CalendarBudget[]): void {
    this.fromGrantor = fromGrantor;
    const ids = new Set(fromGrantor.map((b) => b.id));
    const budgets = [...fromGrantor, ...this.fromFile.filter((b) => !ids.has(b.id))];
    this.budgets = budgets;
    const kept = new Set(budgets.map((b) => b.id));
    for (const [key, s] of this.states) {
      const now = budgets.find((b) => b.id === s.budget.id);
      if (!kept.has(s.budget.id)) this.states.delete(key);
      else if (now) s.budget = now;
    }
  }

  applies(tags: AttemptTags): boolean {
    return this.budgets.some((b) => matches(b, tags));
  }

  tryReserve(tags: AttemptTags, amountNano: number, nowMs: number): LeaseReserveResult {
    const states = this.budgets.filter((b) => matches(b, tags)).map((b) => this.state(b, tagValue(tags, b.scope), nowMs));
    let shadowRefusal: LeaseState | null = null;
    for (const s of states) {
      s.demandNano += amountNano;
      s.maxRequestNano = Math.max(s.maxRequestNano, amountNano);
      if (s.spentNano + s.reservedNano + amountNano <= usable(s) || this.failsOpen(s, nowMs)) continue;
      const neverFits = amountNano > usdToNano(s.budget.limit_usd);
      if (s.budget.shadow) shadowRefusal ??= s;
      else return { ok: false, limiting: s, neverFits };
    }
    for (const s of states) s.reservedNano += amountNano;
    // Low water: renew early enough that the answer arrives before the lease runs dry.
    const low = states.some((s) => usable(s) - s.spentNano - s.reservedNano < Math.max(s.lowWaterNano, 4 * s.maxRequestNano));
    return { ok: true, hold: { states, amountNano }, shadowRefusal, low };
  }

  /** Replaces the hold with what the attempt really cost. */
  settle(hold: LeaseHold, actualNano: number): void {
    for (const s of hold.states) {
      s.reservedNano = Math.max(0, s.reservedNano - hold.amountNano);
      s.spentNano += actualNano;
    }
  }

  /** Ms until a refused request could fit: the next renewal when the budget has more, else the period's end. */
  retryAfterMs(s: LeaseState, nowMs: number, renewMs: number): number {
    return s.unleasedNano !== null && s.unleasedNano > 0 ? renewMs : Math.max(1000, s.period.endMs - nowMs);
  }

  /**
   * What to tell the grantor: spend, holds and demand per subject of the current periods.
   * `renewMs`: the renewal interval; `sinceLastMs`: time since the last report; `boundMs`: how
   * long a renewal may take (`renewalBoundMs`).
   */
  reports(nowMs: number, renewMs: number, sinceLastMs: number, boundMs = MIN_ROUND_TRIP_MS): LeaseReport[] {
    const termMs = leaseTermMs(renewMs, boundMs);
    const out: LeaseReport[] = [];
    for (const [key, s] of this.states) {
      if (nowMs >= s.period.endMs) {
        this.states.delete(key);
        continue;
      }
      // Demand projected over one lease term with headroom, and never less than two of the
      // largest requests (a smaller lease admits one at a time).
      s.rateNanoPerMs = nextRate(s.rateNanoPerMs, s.demandNano, sinceLastMs, renewMs);
      const rate = s.rateNanoPerMs;
      // At least everything asked for since the last renewal: a burst of waiting requests is demand now.
      const wantNano = Math.max(2 * s.maxRequestNano, Math.ceil(rate * termMs * 2), s.demandNano) + s.reservedNano;
      s.lowWaterNano = renewAheadNano(rate, boundMs, s.maxRequestNano);
      // Keep serving while the renewal is out: what the rate spends in two round trips stays
      // usable and is reported as held, so the grant cannot take it back.
      const margin = Math.max(0, Math.min(usable(s) - s.spentNano - s.reservedNano, s.lowWaterNano));
      s.renewCapNano = s.spentNano + s.reservedNano + margin;
      out.push({
        budgetId: s.budget.id,
        subject: s.subject,
        periodStartMs: s.period.startMs,
        spentNano: s.spentNano,
        reservedNano: s.reservedNano + margin,
        wantNano,
      });
      s.demandNano = 0;
    }
    return out;
  }

  /**
   * The last report of a collector that stops (its requests drained): final spend, what is still
   * held, and no demand — so the grantor takes the unspent lease back. Without it a restart under
   * the same id would be granted again what was spent since the last renewal.
   */
  finalReports(nowMs: number): LeaseReport[] {
    return [...this.states.values()]
      .filter((s) => nowMs < s.period.endMs)
      .map((s) => ({
        budgetId: s.budget.id,
        subject: s.subject,
        periodStartMs: s.period.startMs,
        spentNano: s.spentNano,
        reservedNano: s.reservedNano,
        wantNano: 0,
      }));
  }

  /** Applies the grantor's answer; a lease for a subject not seen yet (after a restart) is taken in too. */
  applyGrants(grants: LeaseGrant[], nowMs: number): void {
    this.grantorOkAtMs = nowMs;
    for (const g of grants) {
      const budget = this.budgets.find((b) => b.id === g.budgetId);
      if (!budget) continue;
      const s = this.state(budget, g.subject, nowMs);
      if (s.period.startMs !== g.periodStartMs) continue;
      // The grantor remembers spend from before a restart; local spend is never lowered.
      s.spentNano = Math.max(s.spentNano, g.spentNano);
      s.allowanceNano = g.allowanceNano;
      s.unleasedNano = g.unleasedNano;
      s.renewCapNano = null;
    }
  }

  /** The renewal never reached the grantor (connection refused): the current leases stand as they were. */
  renewalNotDelivered(): void {
    for (const s of this.states.values()) s.renewCapNano = null;
  }

  /**
   * What is left, as this collector knows it, of every enforced budget enclosing a request with
   * these tags: its own lease's unspent part plus what no collector held at the last grant. A
   * lower bound of the budget's true remainder (peers' unspent leases are not counted), at most
   * one renewal interval stale. Shadow budgets limit nothing and are left out.
   */
  headroom(tags: AttemptTags, nowMs: number): Headroom[] {
    return this.budgets
      .filter((b) => !b.shadow && matches(b, tags))
      .map((b) => {
        // Read only: a subject this collector has no lease for yet has nothing of its own left.
        const s = this.states.get(subjectKey({ budgetId: b.id, subject: tagValue(tags, b.scope) }));
        const current = s && nowMs < s.period.endMs ? s : null;
        const own = current ? Math.max(0, current.allowanceNano - current.spentNano - current.reservedNano) : 0;
        const unleased = Math.max(0, current?.unleasedNano ?? 0);
        const endMs = current?.period.endMs ?? periodBounds(b.period, b.time_zone, nowMs).endMs;
        return { id: b.id, limitNano: usdToNano(b.limit_usd), remainingNano: Math.floor(own + unleased), resetMs: endMs };
      });
  }

  snapshot(): LeaseState[] {
    return [...this.states.values()];
  }

  private failsOpen(s: LeaseState, nowMs: number): boolean {
    return s.budget.fail_open && (this.grantorOkAtMs === null || nowMs - this.grantorOkAtMs > this.failOpenAfterMs);
  }

  private state(budget: CalendarBudget, subject: string, nowMs: number): LeaseState {
    const key = subjectKey({ budgetId: budget.id, subject });
    let s = this.states.get(key);
    if (!s || nowMs >= s.period.endMs) {
      // A new period starts from nothing: no spend, no lease until the grantor gives one.
      s = {
        budget,
        subject,
        period: periodBounds(budget.period, budget.time_zone, nowMs),
        allowanceNano: 0,
        spentNano: 0,
        reservedNano: 0,
        demandNano: 0,
        maxRequestNano: 0,
        rateNanoPerMs: 0,
        lowWaterNano: 0,
        unleasedNano: null,
        renewCapNano: null,
      };
      this.states.set(key, s);
    }
    return s;
  }
}

const usable = (s: LeaseState): number => (s.renewCapNano === null ? s.allowanceNano : Math.min(s.allowanceNano, s.renewCapNano));

function matches(b: CalendarBudget, tags: AttemptTags): boolean {
  if (b.scope === 'org') return true;
  const value = tagValue(tags, b.scope);
  return value !== '' && (b.match === '*' || b.match === value);
}
