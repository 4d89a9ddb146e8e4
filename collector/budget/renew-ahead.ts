/**
 * When and how much to renew, after Doorman's client (github.com/youtube/doorman): a collector
 * asks for its next lease before the current one runs low, sized to its recent spend rate, so a
 * request waits for the grantor only when the lease is truly exhausted. Pure; amounts in integer
 * nanodollars, times in ms, rates in nanodollars per ms.
 */

/** Round trips shorter than this are not trusted to stay short (a GC pause, a busy store), ms. */
export const MIN_ROUND_TRIP_MS = 50;

/** Renewal intervals over which a falling spend rate is followed. */
export const FALL_INTERVALS = 5;

/** A renewal's round trip as measured: smoothed and its spread, after TCP's RTO estimator (RFC 6298). */
export interface RoundTrip {
  smoothedMs: number;
  spreadMs: number;
}

/** Folds one measured round trip in (gains 1/8 and 1/4, as RFC 6298). */
export function observeRoundTrip(rt: RoundTrip | null, measuredMs: number): RoundTrip {
  if (!rt) return { smoothedMs: measuredMs, spreadMs: measuredMs / 2 };
  return {
    spreadMs: 0.75 * rt.spreadMs + 0.25 * Math.abs(rt.smoothedMs - measuredMs),
    smoothedMs: 0.875 * rt.smoothedMs + 0.125 * measuredMs,
  };
}

/** How long a renewal may take, ms: smoothed plus four spreads (a slow answer rarely takes longer). */
export function renewalBoundMs(rt: RoundTrip | null): number {
  return rt ? Math.max(MIN_ROUND_TRIP_MS, rt.smoothedMs + 4 * rt.spreadMs) : MIN_ROUND_TRIP_MS;
}

/**
 * The spend rate after a renewal interval of `sinceLastMs` in which `demandNano` was asked for. A
 * rise is taken at once (a lease sized on yesterday's quieter rate runs dry and requests wait); a
 * fall is followed gradually, over FALL_INTERVALS renewal intervals (the new reading weighted by
 * the share of them it covers), so a pause between bursts, or a renewal soon after the last one
 * (started early by a low lease), does not shrink the next lease to a few requests.
 */
export function nextRate(previousNanoPerMs: number, demandNano: number, sinceLastMs: number, renewMs: number): number {
  const measured = sinceLastMs > 0 ? demandNano / sinceLastMs : 0;
  if (measured >= previousNanoPerMs) return measured;
  const weight = Math.min(1, Math.max(0, sinceLastMs / (FALL_INTERVALS * renewMs)));
  return (1 - weight) * previousNanoPerMs + weight * measured;
}

/**
 * The low-water mark: renew once the unspent lease falls below what the recent rate spends within
 * two renewal round trips (the one about to start and one more, should it be slow), and never
 * below four of the largest requests. While the renewal is out this much stays usable, so at a
 * steady rate the request path never waits for it.
 */
export function renewAheadNano(rateNanoPerMs: number, boundMs: number, maxRequestNano: number): number {
  return Math.max(Math.ceil(rateNanoPerMs * 2 * boundMs), 4 * maxRequestNano);
}

/**
 * A lease term, ms: the renewal interval plus two round trips, so the lease granted now lasts
 * until the next periodic renewal has been answered with room to spare (sized on the interval
 * alone, leases ran dry on a loaded grantor and budgeted requests waited).
 */
export const leaseTermMs = (renewMs: number, boundMs: number): number => renewMs + 2 * boundMs;
