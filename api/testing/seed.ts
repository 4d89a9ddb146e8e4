import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { serializeAttemptEvent, type AttemptEvent } from '../../core/events/attempt-event.ts';
import { createAttemptWriter } from '../../ingest/attempt-writer.ts';

let batch = 0;

/** Stores events through ingest's real writer (raw and every rollup view), in one batch. */
export async function storeEvents(clickhouse: ClickHouseClient, events: AttemptEvent[]): Promise<void> {
  const { handle } = createAttemptWriter({ clickhouse, source: `api-test-${process.pid}-${batch++}` });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));
}
