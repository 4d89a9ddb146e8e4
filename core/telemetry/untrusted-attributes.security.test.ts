import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { createMetrics } from './metrics.ts';
import { dropUntrustedAttributes } from './untrusted-attributes.ts';

test('/metrics carries no label a request header could set, and keeps the trusted ones', async () => {
  const metrics = createMetrics();
  const cost = metrics.meter.createCounter('switchyard.collector.cost');
  for (let i = 0; i < 50; i++) cost.add(1, { 'gen_ai.provider.name': 'openai', 'switchyard.team': `attacker-${i}\n# injected`, 'switchyard.user': `u${i}` });
  const server = createServer((req, res) => metrics.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
    assert.doesNotMatch(text, /attacker|injected|switchyard_team|switchyard_user/);
    assert.match(text, /switchyard_collector_cost_total\{gen_ai_provider_name="openai"[^}]*\} 50/);
  } finally {
    server.close();
    await metrics.shutdown();
  }
});

test('the view drops untrusted names from a set and passes a set without any of them on unchanged', () => {
  const processor = dropUntrustedAttributes.attributesProcessors![0]!;
  const trusted = { 'gen_ai.provider.name': 'openai', 'switchyard.deployment': 'd' };
  assert.equal(processor.process(trusted, ROOT_CONTEXT), trusted);
  const mixed = { 'gen_ai.provider.name': 'openai', 'switchyard.team': 't', 'switchyard.tags': 'x', 'switchyard.deployment': 'd' };
  assert.deepEqual(processor.process(mixed, ROOT_CONTEXT), trusted);
  assert.deepEqual(mixed, { 'gen_ai.provider.name': 'openai', 'switchyard.team': 't', 'switchyard.tags': 'x', 'switchyard.deployment': 'd' });
});
