import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { CircuitReport } from './circuit-open-time.ts';
import { chTime, fromChTime, type RowReader } from './row-reader.ts';

/** Stores collector circuit reports in `circuit_transitions_v1`, stamped with the receiving clock. */
export async function storeCircuitReports(client: ClickHouseClient, reports: readonly CircuitReport[], receivedAtMs: number): Promise<void> {
  if (reports.length === 0) return;
  await client.insert({
    table: 'circuit_transitions_v1',
    format: 'JSONEachRow',
    values: reports.map((r) => ({
      at: chTime(r.atMs),
      route: r.route,
      deployment: r.deployment,
      collector: r.collector,
      state: r.state,
      received_at: chTime(receivedAtMs),
    })),
  });
}

/** Reports with `at` in [fromMs, nowMs], bounded by time like every policy read. */
export async function readCircuitReports(rows: RowReader, fromMs: number, nowMs: number): Promise<CircuitReport[]> {
  const found = await rows<{ route: string; deployment: string; collector: string; state: CircuitReport['state']; at_text: string }>(
    `SELECT route, deployment, collector, state, toString(at) AS at_text FROM circuit_transitions_v1
     WHERE at >= {from:DateTime64(3, 'UTC')} AND at <= {to:DateTime64(3, 'UTC')}
     ORDER BY route, deployment, collector, at`,
    { from: chTime(fromMs), to: chTime(nowMs) },
  );
  return found.map((r) => ({ route: r.route, deployment: r.deployment, collector: r.collector, state: r.state, atMs: fromChTime(r.at_text) }));
}
