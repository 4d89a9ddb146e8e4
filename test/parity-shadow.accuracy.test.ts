import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sumUsd } from '../core/money/decimal-usd.ts';
import { startParityHarness, type ParityHarness } from './support/parity-harness.ts';

const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
const request = {
  model: 'shadowed',
  messages: [{ role: 'user' as const, content: 'name?' }],
  response_format: { type: 'json_schema' as const, json_schema: { name: 'n', schema } },
};

describe('shadow parity', () => {
  let h: ParityHarness;
  before(async () => {
    h = await startParityHarness((d) => [
      // Budget: a few shadow calls' worth (one costs ~4 micro-dollars at the catalog price).
      {
        name: 'shadowed',
        strategy: 'priority',
        parity: { shadow: { alternate: 'gemini-a', sample: 1, budget_usd_per_day: 0.00001, max_in_flight: 1 } },
        deployments: [d('openai'), d('gemini')],
      },
    ]);
  });
  after(() => h.close());

  it('copies the request to the alternate, never to the client, costed and tagged, with the comparison', async () => {
    h.up.script('oa', { text: '{"name":"Ada"}' });
    h.up.script('ge', { text: '{"name": Ada }' });
    for (const stream of [false, true]) {
      const before = h.events.length;
      const got = stream ? (await h.stream(request)).text : (await h.complete(request)).content;
      await h.parity.drain();
      assert.equal(got, '{"name":"Ada"}', 'the client gets the served answer only');
      const [served, shadow] = h.events.slice(before);
      assert.equal(served!.deployment, 'openai-a');
      assert.equal(served!.parity, 'ok');
      assert.equal(shadow!.deployment, 'gemini-a');
      assert.equal(shadow!.request_id, served!.request_id);
      assert.equal(shadow!.is_final, false, 'a shadow is never the request outcome');
      assert.equal(shadow!.fallback_reason, 'none', 'nor a fallback');
      assert.equal(shadow!.tags.extra.shadow, 'true');
      assert.equal(shadow!.tags.extra.shadow_of, 'openai-a');
      assert.equal(shadow!.parity, 'invalid_json');
      assert.deepEqual(shadow!.shadow, { of: 'openai-a', match: false, differences: ['contract_outcome'] });
      assert.ok(Number(shadow!.cost_usd) > 0, 'shadow traffic is costed');
    }
  });

  it('a matching alternate is a match; shadowing stops once the day budget is spent', async () => {
    h.up.script('ge', { text: '{"name":"Grace"}' });
    await h.complete(request);
    await h.parity.drain();
    assert.deepEqual(h.events.at(-1)!.shadow, { of: 'openai-a', match: true, differences: [] });
    for (let i = 0; i < 12; i++) {
      await h.complete(request);
      await h.parity.drain();
    }
    const shadows = h.events.filter((e) => e.shadow);
    const spent = sumUsd(shadows.map((e) => e.cost_usd));
    // Every call started below the budget: spent before the last one < budget ≤ total spent.
    assert.ok(Number(sumUsd(shadows.slice(0, -1).map((e) => e.cost_usd))) < 0.00001, spent);
    assert.ok(Number(spent) >= 0.00001, `budget not reached: ${spent}`);
    assert.ok(shadows.length < 15, `shadowing went on past the budget: ${shadows.length}`);
    assert.equal(h.up.calls('ge'), shadows.length, 'no call to the alternate beyond the recorded shadows');
  });
});
