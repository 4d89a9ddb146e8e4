import type { Meter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.ts';
import type { CalendarBudget } from './budget-definition.ts';
import { LeaseClient } from './lease-client.ts';
import { LeaseLedger } from './lease-ledger.ts';
import type { LeaseSource } from './lease-protocol.ts';

export interface BudgetLeases {
  ledger: LeaseLedger;
  client: LeaseClient;
}

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
  return { ledger, client };
}
