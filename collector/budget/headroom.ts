/** What is left of one budget a request draws on, for the response headers. */
export interface Headroom {
  /** The calendar budget's id, or `rolling:<scope>:<per>` for a rolling bucket. */
  id: string;
  /** The hard limit (a rolling bucket's capacity), nanodollars. */
  limitNano: number;
  /** Left now, nanodollars, never negative. */
  remainingNano: number;
  /** When it is whole again: the calendar period's end, or when the rolling bucket is full; UTC ms. */
  resetMs: number;
}

/** The tightest of several budgets: the least left; on a tie, the one that resets last. */
export function tightest(all: readonly Headroom[]): Headroom | null {
  let best: Headroom | null = null;
  for (const h of all) {
    if (!best || h.remainingNano < best.remainingNano || (h.remainingNano === best.remainingNano && h.resetMs > best.resetMs)) best = h;
  }
  return best;
}
