import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttemptEvent, serializeAttemptEvent } from '../../core/events/attempt-event.ts';
import { createAttemptWriter } from '../../ingest/attempt-writer.ts';
import { freshEmbeddedStore } from '../support/embedded-store.ts';
import { sampleAttemptEvent } from '../support/sample-event.ts';

// Forward-compatible events: a newer producer may add enumeration values (a fallback reason, a
// status, a budget decision) that this ingest does not know; they are kept as they are, end to
// end into ClickHouse, never dead-lettered.

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose().catch(() => undefined));

/** An event as a future version would send it: unknown enum values and an unknown field. */
function newerEvent() {
  const e = sampleAttemptEvent({ usage_estimated: true });
  return {
    ...JSON.parse(serializeAttemptEvent(e)),
    fallback_reason: 'speculative_retry',
    status: 'deferred',
    budget: { ...e.budget, decision: 'borrow' },
    field_from_the_future: 42,
  } as Record<string, unknown>;
}

test('an older reader parses enumeration values it does not know and keeps them as-is', () => {
  const parsed = parseAttemptEvent(JSON.stringify(newerEvent()));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual(
    [parsed.event.fallback_reason, parsed.event.status, parsed.event.budget.decision, parsed.event.usage_estimated],
    ['speculative_retry', 'deferred', 'borrow', true],
  );
});

test('values this version produces (hedge, budget_downgrade, context_length…) parse too', () => {
  for (const reason of ['hedge', 'budget_downgrade', 'context_length', 'content_filter', 'invalid_response', 'unsupported_parameter', 'other']) {
    const parsed = parseAttemptEvent(JSON.stringify({ ...newerEvent(), fallback_reason: reason }));
    assert.ok(parsed.ok && parsed.event.fallback_reason === reason, reason);
  }
});

test('an enumeration value that is not a short snake_case word is still refused, naming the field', () => {
  const parsed = parseAttemptEvent(JSON.stringify({ ...newerEvent(), fallback_reason: 'DROP TABLE attempts; --' }));
  assert.equal(parsed.ok, false);
  assert.match(parsed.ok ? '' : parsed.error, /fallback_reason/);
});

test('ingest stores the unknown values as they came, and the estimated-usage mark', async () => {
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'forward-compat' });
  const event = newerEvent();
  await handle([
    { key: null, value: JSON.stringify(event), partition: 0, offset: '0' },
    { key: null, value: serializeAttemptEvent(sampleAttemptEvent()), partition: 0, offset: '1' },
  ]);
  assert.equal(stats.rejected, 0);
  const rows = await (
    await store.client.query({
      query: 'SELECT fallback_reason, status, budget_decision, usage_estimated FROM attempts ORDER BY usage_estimated DESC',
      format: 'JSONEachRow',
    })
  ).json<{ fallback_reason: string; status: string; budget_decision: string; usage_estimated: boolean }>();
  assert.deepEqual(rows, [
    { fallback_reason: 'speculative_retry', status: 'deferred', budget_decision: 'borrow', usage_estimated: true },
    { fallback_reason: 'none', status: 'ok', budget_decision: 'none', usage_estimated: false },
  ]);
});
