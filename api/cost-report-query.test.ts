import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryCostReport } from './cost-report-query.ts';
import { readStore } from './read-store.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { freshEmbeddedStore } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

const ALL = { fromMs: Date.parse('2020-01-01T00:00:00Z'), toMs: Date.parse('2100-01-01T00:00:00Z') };
const in2019 = { fromMs: Date.parse('2019-01-01T00:00:00Z'), toMs: Date.parse('2020-01-01T00:00:00Z') };

test('an empty window reports zero, not an error', async () => {
  const report = await queryCostReport(readStore(store.client), ALL, ['provider'], 'all');
  assert.deepEqual(report.rows, []);
  assert.equal(report.total.costUsd, '0.000000000000');
  assert.equal((await queryCostReport(readStore(store.client), ALL, [], 'all')).total.attempts, 0);
});

test('groups, exact totals, requests counted once at their final attempt, window bounds honoured', async () => {
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'report-test' });
  const requestId = crypto.randomUUID();
  const events = [
    sampleAttemptEvent({ request_id: requestId, attempt_no: 1, is_final: false, status: 'rate_limited', provider: 'openai', cost_usd: '0' }),
    sampleAttemptEvent({
      request_id: requestId,
      attempt_no: 2,
      is_final: true,
      provider: 'anthropic',
      cost_usd: '0.100000000001',
      tags: { ...sampleAttemptEvent().tags, team: 'a' },
    }),
    sampleAttemptEvent({ provider: 'anthropic', cost_usd: '0.200000000002', tags: { ...sampleAttemptEvent().tags, team: 'b' } }),
    sampleAttemptEvent({ provider: 'gemini', cost_usd: '5', started_at: '2019-06-01T00:00:00.000Z', ended_at: '2019-06-01T00:00:01.000Z' }),
  ];
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));
  const byProvider = await queryCostReport(readStore(store.client), ALL, ['provider'], 'all');
  assert.deepEqual(
    byProvider.rows.map((r) => [r.group.provider, r.costUsd, r.requests, r.attempts]),
    [
      ['anthropic', '0.300000000003', 2, 2],
      ['openai', '0.000000000000', 0, 1],
    ],
  );
  assert.equal(byProvider.total.costUsd, '0.300000000003');
  assert.equal(byProvider.total.requests, 2);
  const byTeam = await queryCostReport(readStore(store.client), ALL, ['team', 'provider'], 'all');
  assert.equal(byTeam.rows.find((r) => r.group.team === 'b')!.costUsd, '0.200000000002');
  assert.equal((await queryCostReport(readStore(store.client), in2019, [], 'all')).total.costUsd, '5.000000000000');
});
