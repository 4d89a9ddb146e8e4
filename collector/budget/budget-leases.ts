import type { Meter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.ts';
import type { CalendarBudget } from './budget-definition.ts';
import { LeaseClient } from './lease-client.ts';
import { LeaseLedger } from './lease-ledger.ts';
import type { LeaseSource } from './lease-protocol.ts';

export interface BudgetLeases {
  ledger: LeaseLedger;
  client: LeaseClient;
  /**
   * Told how long each budget check on the request path took, µs, and whether it waited (for the
   * grantor or a refill): a histogram and a counter on /metrics when a meter is given.
   */
  checkTimer?: (us: number, waited: boolean) => void;
}

/**
 * Bucket bounds of `switchyard.collector.budget.check.duration`, µs: fine below the 200 µs goal
 * (bench:budget reads p99 from them), coarse up to a grantor round trip.
 */
const CHECK_US_BOUNDS = [5, 10, 20, 30, 40, 50, 60, 80, 100, 125, 150, 175, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000, 10_000, 50_000, 250_000, 1_000_000];

/**
 * Calendar budgets on a collector: the routes file's budgets (enforced with no lease — fail
 * closed — until the grantor first answers) and a renewal loop that keeps the leases and the
 * budget list fresh. Stop the client on shutdown.
 */
export function startBudgetLeases(o: {
  budgets: CalendarBudget[];
  source: LeaseSource;
  collectorId: string;
  clock: Clock;
  renewMs?: number;
  meter?: Meter;
  log: (m: string) => void;
}): BudgetLeases {
  const ledger = new LeaseLedger(o.budgets);
  const client = new LeaseClient({ collectorId: o.collectorId, ledger, source: o.source, clock: o.clock, renewMs: o.renewMs, meter: o.meter, log: o.log });
  client.start();
  const histogram = o.meter?.createHistogram('switchyard.collector.budget.check.duration', {
    unit: 'us',
    description: 'Time a request spent in the budget gate (reserve, and any wait for the grantor), microseconds',
    advice: { explicitBucketBoundaries: CHECK_US_BOUNDS },
  });
  const waits = o.meter?.createCounter('switchyard.collector.budget.check.waited', {
    description: 'Budget checks on the request path that waited for the grantor (or a rolling bucket refill) instead of answering from the lease',
  });
  if (!histogram) return { ledger, client };
  const checkTimer = (us: number, waited: boolean) => {
    histogram.record(us);
    if (waited) waits?.add(1);
  };
  return { ledger, client, checkTimer };
}
