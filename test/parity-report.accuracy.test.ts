import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { sumUsd } from '../core/money/decimal-usd.ts';
import { ingestThroughPipeline } from './support/seeded-traffic.ts';
import { startParityHarness, type ParityHarness } from './support/parity-harness.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
let h: ParityHarness;

before(async () => {
  api = await startTestApi([testToken('ops', 'operator', ['*'])]);
  h = await startParityHarness((d) => [
    {
      name: 'shadowed',
      strategy: 'priority',
      parity: { shadow: { alternate: 'anthropic-a', sample: 1, budget_usd_per_day: 1 } },
      deployments: [d('openai'), d('anthropic')],
    },
  ]);
});
after(async () => {
  await h.close();
  await api.close();
});

const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
const ask = (model: string) => ({
  model,
  messages: [{ role: 'user' as const, content: 'n?' }],
  response_format: { type: 'json_schema' as const, json_schema: { name: 'n', schema } },
});

test('parityReport: per deployment and per (deployment, alternate) pair, reconciled to the events stored through ingest', async () => {
  const plan: Array<[string, string]> = [
    ['{"n":1}', '{"n":2}'],
    ['{"n":1}', 'two'],
    ['{"n":"x"}', '{"n":3}'],
    ['{"n":1}', '{"n":4}'],
  ];
  for (const [served, alternate] of plan) {
    h.up.script('oa', { text: served });
    h.up.script('an', { text: alternate });
    await h.complete(ask('shadowed'));
    await h.parity.drain();
  }
  h.up.script('oa', { text: 'hello' });
  await h.complete({ model: 'openai', messages: [{ role: 'user', content: 'hi' }] });
  await ingestThroughPipeline(api.store.client, h.events);

  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 120_000).toISOString();
  const answer = await api.gql<{
    parityReport: {
      deployments: Array<{
        route: string;
        deployment: string;
        checked: string;
        ok: string;
        rate: number;
        byOutcome: Array<{ outcome: string; attempts: string }>;
      }>;
      pairs: Array<{ deployment: string; alternate: string; shadowed: string; matches: string; rate: number; costUsd: string }>;
    };
  }>(
    `query($from: DateTime!, $to: DateTime!) { parityReport(from: $from, to: $to) {
       deployments { route deployment checked ok rate byOutcome { outcome attempts } }
       pairs { route deployment alternate shadowed matches rate costUsd } } }`,
    { from, to },
    'ops',
  );
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const served = answer.data!.parityReport.deployments.find((d) => d.route === 'shadowed')!;
  assert.deepEqual([served.deployment, Number(served.checked), Number(served.ok), served.rate], ['openai-a', 4, 3, 0.75]);
  const plain = answer.data!.parityReport.deployments.find((d) => d.route === 'openai')!;
  assert.deepEqual(
    plain.byOutcome.map((o) => [o.outcome, Number(o.attempts)]),
    [['none', 1]],
  );
  assert.equal(plain.rate, null);
  const [pair] = answer.data!.parityReport.pairs;
  // Matches: 1 (both ok), 2 no (alternate not JSON), 3 no (served broke its schema), 4 yes.
  assert.deepEqual([pair!.deployment, pair!.alternate, Number(pair!.shadowed), Number(pair!.matches), pair!.rate], ['openai-a', 'anthropic-a', 4, 2, 0.5]);
  const shadowCost = sumUsd(h.events.filter((e) => e.shadow).map((e) => e.cost_usd));
  assert.equal(sumUsd([pair!.costUsd]), shadowCost);
});
