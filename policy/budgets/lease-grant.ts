/**
 * Lease arithmetic after Doorman (github.com/youtube/doorman): each collector holds an allowance,
 * a cumulative amount it may spend in the period; the grantor hands out allowances so that what
 * is spent plus what is granted but unspent never exceeds the limit. All amounts are integer
 * nanodollars; pure: state and request in, new state and grant out.
 */

/** What the grantor remembers about one collector for one budget subject and period. */
export interface LeaseHolder {
  /** Cumulative settled spend this collector reported in the period, nanodollars. */
  spentNano: number;
  /** Cumulative amount it may spend in the period, nanodollars (≥ spentNano unless it overspent). */
  allowanceNano: number;
  /** Its last stated demand for the next lease term, nanodollars. */
  wantNano: number;
  updatedAtMs: number;
}

export interface LeaseRequest {
  collector: string;
  /** Settled spend so far in the period (monotone; lower reports are ignored). */
  spentNano: number;
  /** Worst cases held by requests in flight: the new allowance never drops below spent + this. */
  reservedNano: number;
  /** How much more it would like to be able to spend over the next lease term. */
  wantNano: number;
}

/** Holders that renewed within this window share the remaining amount by their demand. */
export const ACTIVE_HOLDER_MS = 30_000;

const unspent = (h: LeaseHolder): number => Math.max(0, h.allowanceNano - h.spentNano);

/**
 * The book's pseudo-holder for a subject's spend that no collector reports: made before the
 * budget's first lease (before it was created, or under a deleted budget), or by a process
 * without a lease. Its allowance equals its spend, so it adds spend and never an unspent lease.
 * The grantor ignores reports from a collector with this id (`host:port` never is).
 */
export const UNLEASED_HOLDER = '~unleased';

/**
 * Spend of record that no collector's report can contain, nanodollars: the rollup's figure less
 * the most the collectors could have spent under their leases (a collector spends at most its
 * allowance, or what it reported when it overspent), never below the last figure (it only grows).
 *
 * Why: reports count only spend made under a lease, the rollup counts all spend but lags. Taking
 * the larger of the two dropped whichever was smaller, so spend made before a budget existed
 * vanished as soon as the collectors' reports passed it, and while the rollup lagged, every
 * renewal granted "limit − rollup" again on top of the reports. Spend of record is now
 * max(rollup, this + reports). A lower bound: it errs towards free by at most the unspent
 * leases at the time of the read, and catches up as they are spent.
 */
export function unleasedSpendNano(recordedSpentNano: number, holders: ReadonlyMap<string, LeaseHolder>): number {
  let couldBeLeased = 0;
  for (const [id, h] of holders) if (id !== UNLEASED_HOLDER) couldBeLeased += Math.max(h.allowanceNano, h.spentNano);
  return Math.max(holders.get(UNLEASED_HOLDER)?.spentNano ?? 0, recordedSpentNano - couldBeLeased);
}

/**
 * The new allowance for `request.collector`.
 *
 * - Spent of record is the larger of the rollup's figure and the sum the collectors reported
 *   (the rollup lags; the reports miss spend from processes without leases). That sum includes
 *   `holders`' UNLEASED_HOLDER entry (`unleasedSpendNano`), which the caller keeps up to date:
 *   without it spend made before the budget's first lease is lost once reports pass it.
 * - Free = limit − spent − every other holder's unspent allowance: what this collector may be
 *   given at most. Other holders' unspent allowances are never reclaimed by the grantor (a
 *   holder cut off from it keeps spending its lease); only the holder itself gives back.
 * - Fair share: remaining × its demand ÷ the demand of every active holder (Doorman's
 *   proportional share), capped by its demand and by free; at least what it has in flight.
 *   `silentPeers`: live collectors with no lease on this subject yet, counted at this demand.
 */
export function grantLease(
  limitNano: number,
  recordedSpentNano: number,
  holders: ReadonlyMap<string, LeaseHolder>,
  request: LeaseRequest,
  nowMs: number,
  silentPeers = 0,
): { holder: LeaseHolder; allowanceNano: number } {
  const before = holders.get(request.collector);
  const spentNano = Math.max(before?.spentNano ?? 0, request.spentNano);
  let reportedSpent = spentNano;
  let othersUnspent = 0;
  // Collectors alive but not yet asking for this subject may ask next: each is counted as wanting
  // as much as this one, so the first to ask cannot take what the others will need.
  let activeDemand = Math.max(0, request.wantNano) * (1 + Math.max(0, silentPeers));
  for (const [id, h] of holders) {
    if (id === request.collector) continue;
    reportedSpent += h.spentNano;
    othersUnspent += unspent(h);
    if (nowMs - h.updatedAtMs <= ACTIVE_HOLDER_MS) activeDemand += Math.max(0, h.wantNano);
  }
  const spentOfRecord = Math.max(recordedSpentNano, reportedSpent);
  // When the rollup shows more than the collectors reported, the difference came from elsewhere.
  const free = Math.max(0, limitNano - spentOfRecord - othersUnspent);
  const remaining = Math.max(0, limitNano - spentOfRecord);
  const share = activeDemand > 0 ? Math.floor((remaining * Math.max(0, request.wantNano)) / activeDemand) : 0;
  const extra = Math.min(Math.max(0, request.wantNano), free, share);
  const floor = spentNano + Math.max(0, request.reservedNano);
  const allowanceNano = Math.max(floor, spentNano + extra);
  return { holder: { spentNano, allowanceNano, wantNano: Math.max(0, request.wantNano), updatedAtMs: nowMs }, allowanceNano };
}

/** Spent, granted-but-unspent and remaining for one subject, nanodollars (UNLEASED_HOLDER's spend included). */
export function leaseTotals(
  limitNano: number,
  recordedSpentNano: number,
  holders: ReadonlyMap<string, LeaseHolder>,
): { spentNano: number; leasedNano: number; remainingNano: number } {
  let reported = 0;
  let leasedNano = 0;
  for (const h of holders.values()) {
    reported += h.spentNano;
    leasedNano += unspent(h);
  }
  const spentNano = Math.max(recordedSpentNano, reported);
  return { spentNano, leasedNano, remainingNano: Math.max(0, limitNano - spentNano - leasedNano) };
}
