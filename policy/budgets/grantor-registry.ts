import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import { BudgetGrantor } from './budget-grantor.ts';
import { clientRows, type RowReader } from '../row-reader.ts';
import type { LeaseSource } from '../../collector/budget/lease-protocol.ts';

// One grantor per ClickHouse client, i.e. per API (or `all`) process: the grantor serializes
// renewals in memory, so the lease field and an in-process collector must share it. Keyed by the
// client the composition root built, so two pipelines in one process stay apart.
const grantors = new WeakMap<ClickHouseClient, BudgetGrantor>();

/** The grantor of the process that owns `client`, created on first use. */
export function grantorFor(client: ClickHouseClient, rows: RowReader, clock: Clock): BudgetGrantor {
  let g = grantors.get(client);
  if (!g) {
    g = new BudgetGrantor(client, rows, clock);
    grantors.set(client, g);
  }
  return g;
}

/** Leases from this process's own grantor (`switchyard all`: collector and API in one process). */
export function inProcessLeaseSource(client: ClickHouseClient, clock: Clock): LeaseSource {
  const grantor = grantorFor(client, clientRows(client), clock);
  return { renew: (collector, reports) => grantor.renew(collector, reports) };
}
