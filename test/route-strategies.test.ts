import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import type { RouteStrategy } from '../collector/routing/route-strategy.ts';
import { startCollectorHarness, type CollectorHarness } from './support/collector-harness.ts';

const harnesses: CollectorHarness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

async function withStrategy(strategy: RouteStrategy): Promise<CollectorHarness> {
  const h = await startCollectorHarness({ seed: 17, config: (base) => ({ ...base, routes: base.routes.map((r) => ({ ...r, strategy })) }) });
  harnesses.push(h);
  return h;
}

async function firstChoices(h: CollectorHarness, n: number): Promise<string[]> {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${h.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'q' }] }),
    });
    await r.arrayBuffer();
  }
  return h.events.filter((e) => e.attempt_no === 1).map((e) => e.deployment);
}

test('priority always starts with the first deployment in config', async () => {
  assert.deepEqual(new Set(await firstChoices(await withStrategy('priority'), 10)), new Set(['openai-primary']));
});

test('cost starts with the cheapest catalog price (gemini-2.0-flash here)', async () => {
  assert.deepEqual(new Set(await firstChoices(await withStrategy('cost'), 10)), new Set(['gemini-backup']));
});

test('latency learns and prefers the fastest deployment', async () => {
  const h = await withStrategy('latency');
  h.sim.setFaults(simulatedUpstreams.openai, { latencyMs: { min: 120, max: 150 } });
  h.sim.setFaults(simulatedUpstreams.anthropic, { latencyMs: { min: 60, max: 80 } });
  const choices = await firstChoices(h, 15);
  assert.deepEqual(choices.slice(-10), Array(10).fill('gemini-backup'), `after measuring all three: ${choices.join(',')}`);
});
