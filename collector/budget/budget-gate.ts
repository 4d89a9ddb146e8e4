import { sleepUnlessAborted, type Clock } from '../../core/clock.ts';
import type { AttemptBudget, AttemptTags } from '../../core/events/attempt-event.ts';
import type { BudgetsConfig } from '../config/routes-config.ts';
import { BudgetLedger, type Reservation } from './budget-ledger.ts';
import { nanoToUsd } from './cost-bucket.ts';

export interface BudgetCandidate<D> {
  deployment: D;
  worstCaseNano: number;
}

export interface Admission<D> {
  deployment: D;
  reservation: Reservation;
  budget: AttemptBudget;
}

/** The budget refused the request; `retryAfterMs` is null when its worst case can never fit. */
export class BudgetRejected extends Error {
  override readonly name = 'BudgetRejected';
  constructor(
    readonly limitedBy: string,
    readonly retryAfterMs: number | null,
    readonly budget: AttemptBudget,
  ) {
    super(retryAfterMs === null ? `the request's worst-case cost exceeds the ${limitedBy} budget's capacity; lower max_tokens or shorten the prompt` : `the ${limitedBy} budget is exhausted`);
  }
}

/**
 * Budget enforcement before an attempt: reserve the worst case of the preferred deployment; when
 * that does not fit, act on the limiting bucket's policy — downgrade to a cheaper deployment
 * that fits, wait a little for refill (soft throttle), or reject.
 */
export class BudgetGate {
  constructor(
    private readonly ledger: BudgetLedger,
    private readonly clock: Clock,
  ) {}

  applies(tags: AttemptTags): boolean {
    return this.ledger.applies(tags);
  }

  /** Candidates in routing order: the first is preferred. Rejects with BudgetRejected, or an AbortError when the client leaves while waiting. */
  async admit<D>(tags: AttemptTags, candidates: Array<BudgetCandidate<D>>, signal: AbortSignal, latestStartMs: number): Promise<Admission<D>> {
    const first = candidates[0]!;
    const tried = this.ledger.tryReserve(tags, first.worstCaseNano, this.clock.now());
    if (tried.ok) return { deployment: first.deployment, reservation: tried.reservation, budget: budget('allow', first.worstCaseNano, 0, '') };
    const { limitedBy, limit, waitMs } = tried;

    if (limit.config.on_exhausted === 'downgrade') {
      const cheaper = candidates.filter((c) => c.worstCaseNano < first.worstCaseNano).sort((a, b) => a.worstCaseNano - b.worstCaseNano);
      for (const c of cheaper) {
        const fit = this.ledger.tryReserve(tags, c.worstCaseNano, this.clock.now());
        if (fit.ok) return { deployment: c.deployment, reservation: fit.reservation, budget: budget('downgrade', c.worstCaseNano, 0, limitedBy) };
      }
    }
    if (limit.config.on_exhausted === 'delay' && waitMs <= limit.config.max_delay_ms && this.clock.now() + waitMs < latestStartMs) {
      const waitedFrom = this.clock.now();
      await sleepUnlessAborted(waitMs, signal);
      if (signal.aborted) throw new DOMException('client closed the request', 'AbortError');
      const again = this.ledger.tryReserve(tags, first.worstCaseNano, this.clock.now());
      if (again.ok) return { deployment: first.deployment, reservation: again.reservation, budget: budget('delay', first.worstCaseNano, this.clock.now() - waitedFrom, limitedBy) };
    }
    const retryAfterMs = Number.isFinite(waitMs) ? waitMs : null;
    throw new BudgetRejected(limitedBy, retryAfterMs, budget('reject', 0, 0, limitedBy));
  }

  settle(reservation: Reservation, actualNano: number): void {
    this.ledger.settle(reservation, actualNano, this.clock.now());
  }
}

const budget = (decision: AttemptBudget['decision'], reservedNano: number, delayMs: number, limitedBy: string): AttemptBudget => ({ decision, reserved_usd: nanoToUsd(reservedNano), delay_ms: delayMs, limited_by: limitedBy });

/** What the dispatcher needs for budgets, built from the routes file's `budgets` section. */
export interface Budgets {
  gate: BudgetGate;
  ledger: BudgetLedger;
  defaultMaxTokens: number;
}

export function createBudgets(config: BudgetsConfig, clock: Clock): Budgets {
  const ledger = new BudgetLedger(config.limits);
  return { gate: new BudgetGate(ledger, clock), ledger, defaultMaxTokens: config.default_max_tokens };
}
