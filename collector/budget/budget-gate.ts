import { sleepUnlessAborted, type Clock } from '../../core/clock.ts';
import type { AttemptBudget, AttemptTags } from '../../core/events/attempt-event.ts';
import type { BudgetsConfig } from '../config/routes-config.ts';
import { BudgetLedger, type Reservation } from './budget-ledger.ts';
import { nanoToUsd } from './cost-bucket.ts';
import { LeaseLedger, type LeaseState } from './lease-ledger.ts';
import type { LeaseClient } from './lease-client.ts';
import { reserveEverywhere, type Reserved, type ReserveEverywhere } from './reserve-everywhere.ts';
import type { CancelSignal } from '../../core/cancel.ts';

export interface BudgetCandidate<D> {
  deployment: D;
  worstCaseNano: number;
}

export interface Admission<D> {
  deployment: D;
  reservation: Reserved;
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
    super(
      retryAfterMs === null
        ? `the request's worst-case cost exceeds the ${limitedBy} budget's capacity; lower max_tokens or shorten the prompt`
        : `the ${limitedBy} budget is exhausted`,
    );
  }
}

/** Set when a check waited (for the grantor or a refill) rather than answering from what it holds. */
interface Waited {
  waited: boolean;
}

/** Renewals a short lease may trigger for one request before it waits (delay) or is refused. */
const MAX_IMMEDIATE_RENEWALS = 3;

/** How a calendar budget is named on events and in refusals: `budget:<id>` plus the subject it counts for. */
export const calendarLabel = (s: LeaseState): string => `budget:${s.budget.id}${s.subject ? `:${s.subject}` : ''}`;

/**
 * Budget enforcement before an attempt: reserve the worst case of the preferred deployment in the
 * rolling buckets and in the calendar budgets' leases (all or none). When a rolling bucket is
 * short, act on its policy (downgrade, delay, reject). When a calendar budget is short, first try
 * the cheaper candidates — so identical requests get the same answer whichever deployment the
 * weighted choice drew — then ask the grantor for more, then apply the budget's action.
 */
export class BudgetGate {
  constructor(
    private readonly ledger: BudgetLedger,
    private readonly clock: Clock,
    private readonly leases: LeaseLedger | null = null,
    private readonly leaseClient: LeaseClient | null = null,
    private readonly checkTimer: ((us: number, waited: boolean) => void) | null = null,
  ) {}

  applies(tags: AttemptTags): boolean {
    return this.ledger.applies(tags) || (this.leases?.applies(tags) ?? false);
  }

  /** Reserves a candidate's worst case for `tags` everywhere. Returned, not a named local: tsx renames named closures as they are created (~1 µs each, per request). */
  private reserver<D>(tags: AttemptTags): (c: BudgetCandidate<D>) => ReserveEverywhere {
    return (c) => {
      const r = reserveEverywhere(this.ledger, this.leases, tags, c.worstCaseNano, this.clock.now());
      // Top the lease up in the background before it runs dry; the request does not wait for it.
      if (r.ok && r.low) this.leaseClient?.renewInBackground();
      return r;
    };
  }

  /** Candidates in routing order: the first is preferred. Rejects with BudgetRejected, or an AbortError when the client leaves while waiting. */
  admit<D>(tags: AttemptTags, candidates: Array<BudgetCandidate<D>>, signal: CancelSignal, latestStartMs: number): Promise<Admission<D>> {
    const started = performance.now();
    const first = candidates[0]!;
    const reserve = this.reserver<D>(tags);
    let tried: ReserveEverywhere;
    try {
      tried = reserve(first);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (tried.ok) {
      // The common case is answered from what this collector holds, with no await: its time is the
      // synchronous work alone (an await would add whatever other requests queued meanwhile).
      this.checkTimer?.((performance.now() - started) * 1000, false);
      return Promise.resolve(admitted(first, tried.reserved, 'allow', 0, ''));
    }
    const wait: Waited = { waited: false };
    const decided = this.decide(tried, first, candidates, reserve, signal, latestStartMs, wait);
    const timer = this.checkTimer;
    // Wall time on the request path, refusals and waits for the grantor included.
    return timer ? decided.finally(() => timer((performance.now() - started) * 1000, wait.waited)) : decided;
  }

  private async decide<D>(
    tried: Exclude<ReserveEverywhere, { ok: true }>,
    first: BudgetCandidate<D>,
    candidates: Array<BudgetCandidate<D>>,
    reserve: (c: BudgetCandidate<D>) => ReserveEverywhere,
    signal: CancelSignal,
    latestStartMs: number,
    wait: Waited,
  ): Promise<Admission<D>> {
    const cheaper = candidates.filter((c) => c.worstCaseNano < first.worstCaseNano).sort((a, b) => a.worstCaseNano - b.worstCaseNano);
    if (tried.kind === 'calendar') return this.admitCalendar(tried.limiting, first, cheaper, reserve, signal, latestStartMs, wait);

    const { limitedBy, limit, waitMs } = tried;
    if (limit.config.on_exhausted === 'downgrade') {
      for (const c of cheaper) {
        const fit = reserve(c);
        if (fit.ok) return admitted(c, fit.reserved, 'downgrade', 0, limitedBy);
      }
    }
    if (limit.config.on_exhausted === 'delay' && waitMs <= limit.config.max_delay_ms && this.clock.now() + waitMs < latestStartMs) {
      const waitedFrom = this.clock.now();
      wait.waited = true;
      await sleepUnlessAborted(waitMs, signal);
      if (signal.aborted) throw new DOMException('client closed the request', 'AbortError');
      const again = reserve(first);
      if (again.ok) return admitted(first, again.reserved, 'delay', this.clock.now() - waitedFrom, limitedBy);
    }
    const retryAfterMs = Number.isFinite(waitMs) ? waitMs : null;
    throw new BudgetRejected(limitedBy, retryAfterMs, budget('reject', 0, 0, limitedBy));
  }

  private async admitCalendar<D>(
    limiting: { state: LeaseState; neverFits: boolean },
    first: BudgetCandidate<D>,
    cheaper: Array<BudgetCandidate<D>>,
    reserve: (c: BudgetCandidate<D>) => ReserveEverywhere,
    signal: CancelSignal,
    latestStartMs: number,
    wait: Waited,
  ): Promise<Admission<D>> {
    const label = calendarLabel(limiting.state);
    // The preferred deployment, then the cheaper ones nearest in price first.
    const inPriceOrder = [first, ...[...cheaper].reverse()];
    // Never fits: no candidate's worst case fits the budget even when it is unspent.
    let neverFits = true;
    const tryAll = (): Admission<D> | null => {
      neverFits = true;
      for (const c of inPriceOrder) {
        const fit = reserve(c);
        if (fit.ok) return admitted(c, fit.reserved, c === first ? 'allow' : 'downgrade', 0, c === first ? '' : label);
        if (fit.kind === 'calendar' && !fit.limiting.neverFits) neverFits = false;
        if (fit.kind === 'rolling') neverFits = false;
      }
      return null;
    };
    const direct = tryAll();
    if (direct) return direct;
    const { action, max_delay_ms: maxDelayMs } = limiting.state.budget;
    const waitedFrom = this.clock.now();
    const waitUntil = Math.min(latestStartMs, waitedFrom + (action === 'delay' ? maxDelayMs : 0));
    // The lease ran short, not necessarily the budget: take the answer of the renewal already out
    // (started ahead of need, it usually brings enough), else ask the grantor at once — again, up
    // to three times, while it still has more than this request beyond every lease — and then
    // every renewal interval while a delay budget allows waiting.
    if (this.leaseClient && !neverFits) {
      wait.waited = true;
      do {
        for (let asked = 0; asked < MAX_IMMEDIATE_RENEWALS; asked++) {
          // A renewal already out was sent before this request's demand: its answer may be enough,
          // but when it is not, it says nothing of what a fresh ask would bring.
          const joined = asked === 0 && this.leaseClient.renewing;
          if (!(await (joined ? this.leaseClient.renewSoon() : this.leaseClient.renewNow()))) break;
          const after = tryAll();
          if (after) return { ...after, budget: { ...after.budget, delay_ms: this.clock.now() - waitedFrom } };
          if (!joined && (limiting.state.unleasedNano ?? 0) < first.worstCaseNano) break;
        }
        const pause = Math.min(this.leaseClient.renewMs, waitUntil - this.clock.now());
        if (pause <= 0) break;
        await sleepUnlessAborted(pause, signal);
        if (signal.aborted) throw new DOMException('client closed the request', 'AbortError');
      } while (this.clock.now() < waitUntil);
    }
    const retryAfterMs = neverFits ? null : this.leases!.retryAfterMs(limiting.state, this.clock.now(), this.leaseClient?.renewMs ?? 2000);
    throw new BudgetRejected(label, retryAfterMs, budget('reject', 0, 0, label));
  }

  settle(reservation: Reserved, actualNano: number): void {
    this.ledger.settle(reservation.buckets, actualNano, this.clock.now());
    if (reservation.leases) this.leases?.settle(reservation.leases, actualNano);
  }
}

function admitted<D>(c: BudgetCandidate<D>, reserved: Reserved, decision: AttemptBudget['decision'], delayMs: number, limitedBy: string): Admission<D> {
  // A shadow budget that would have refused is named, while the request goes ahead.
  const shadow = reserved.shadowRefusal ? `shadow:${calendarLabel(reserved.shadowRefusal)}` : '';
  return { deployment: c.deployment, reservation: reserved, budget: budget(decision, c.worstCaseNano, delayMs, limitedBy || shadow) };
}

const budget = (decision: AttemptBudget['decision'], reservedNano: number, delayMs: number, limitedBy: string): AttemptBudget => ({
  decision,
  reserved_usd: nanoToUsd(reservedNano),
  delay_ms: delayMs,
  limited_by: limitedBy,
});

/** What the dispatcher needs for budgets, built from the routes file's `budgets` section. */
export interface Budgets {
  gate: BudgetGate;
  ledger: BudgetLedger;
  defaultMaxTokens: number;
}

/** Rolling buckets from `limits`; calendar budgets when a lease ledger (and its client) is given. */
export function createBudgets(
  config: BudgetsConfig,
  clock: Clock,
  leases?: { ledger: LeaseLedger; client: LeaseClient | null; checkTimer?: (us: number, waited: boolean) => void },
): Budgets {
  const ledger = new BudgetLedger(config.limits);
  return {
    gate: new BudgetGate(ledger, clock, leases?.ledger ?? null, leases?.client ?? null, leases?.checkTimer ?? null),
    ledger,
    defaultMaxTokens: config.default_max_tokens,
  };
}

export type { Reservation };
