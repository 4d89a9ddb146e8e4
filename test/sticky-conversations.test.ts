import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

let h: CollectorHarness;
before(async () => (h = await startCollectorHarness({ seed: 13 })));
after(() => h.close());

async function ask(conversation?: string): Promise<string> {
  const r = await fetch(`${h.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(conversation ? { 'x-switchyard-conversation-id': conversation } : {}) },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'turn' }] }),
  });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  return h.events[h.events.length - 1]!.deployment;
}

test('turns of a conversation stay on one deployment; other traffic still spreads by weight', async () => {
  const served = new Set<string>();
  for (let i = 0; i < 10; i++) served.add(await ask('conv-1'));
  assert.equal(served.size, 1);
  const spread = new Set<string>();
  for (let i = 0; i < 30; i++) spread.add(await ask());
  assert.ok(spread.size >= 2, 'without a conversation id requests spread');
});

test('when its deployment fails, the conversation moves to the one that answered and stays there', async () => {
  const first = await ask('conv-2');
  const upstream = {
    'openai-primary': simulatedUpstreams.openai,
    'anthropic-backup': simulatedUpstreams.anthropic,
    'gemini-backup': simulatedUpstreams.gemini,
  }[first]!;
  h.sim.setFaults(upstream, { errorRates: { '500': 1 } });
  const moved = await ask('conv-2');
  assert.notEqual(moved, first);
  h.sim.clearFaults();
  for (let i = 0; i < 5; i++) assert.equal(await ask('conv-2'), moved);
});
