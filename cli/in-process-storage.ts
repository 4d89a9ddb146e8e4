import type { CalendarBudget } from '../collector/budget/budget-definition.ts';
import type { LeaseSource } from '../collector/budget/lease-protocol.ts';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { systemClock } from '../core/clock.ts';
import { syncRouteBudgets } from '../policy/budgets/budget-store.ts';
import { inProcessLeaseSource } from '../policy/budgets/grantor-registry.ts';
import { clientRows } from '../policy/row-reader.ts';

/**
 * What the collector calls directly when storage runs in its own process (`switchyard all`
 * inline, tests, drills): the lease grantor and the stored calendar budgets. Loaded by dynamic
 * import only then, so a collector whose storage is elsewhere never loads the policy modules.
 */
export interface InProcessStorage {
  /** Budget leases from the grantor over `client`, without the API. */
  leaseSource: LeaseSource;
  /** Stores the routes file's calendar budgets as the ones the grantor and the API read. */
  syncBudgets(calendar: readonly CalendarBudget[]): Promise<void>;
}

/** The in-process storage calls over `client`. */
export function inProcessStorage(client: ClickHouseClient): InProcessStorage {
  return {
    leaseSource: inProcessLeaseSource(client, systemClock),
    syncBudgets: (calendar) => syncRouteBudgets(client, clientRows(client), calendar, systemClock.now()),
  };
}
