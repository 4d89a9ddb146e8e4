import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { serviceNames, startPipeline, type Pipeline } from '../cli/pipeline.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import { until } from './support/wait.ts';

let sim: Simulator;
let pipeline: Pipeline;
const data = mkdtempSync(join(tmpdir(), 'switchyard-ops-'));

before(async () => {
  sim = await startSimulator();
  pipeline = await startPipeline({
    services: new Set(serviceNames),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    opsPort: 0,
    routes: simulatedRoutes((u, k) => sim.baseUrl(u, k)),
    providerEnv: { [SIMULATOR_KEY_ENV]: 'k' },
    clickhouse: { kind: 'embedded', path: join(data, 'clickhouse') },
    weightsPollMs: 1000,
    policyIntervalMs: 1000,
    policyWindowMs: 10_000,
    log: () => {},
  });
});
after(async () => {
  await pipeline.stop();
  await sim.close();
  rmSync(data, { recursive: true, force: true });
});

test('/metrics exposes ingest rows, batch sizes, insert latency, event-to-queryable delay and lag; /healthz is ok', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${pipeline.collectorUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 200);
    assert.ok(Number(r.headers.get('x-switchyard-overhead-ms')) >= 0);
  }
  await pipeline.publisher!.flush();
  const text = await until('ingest metrics', async () => {
    const body = await (await fetch(`${pipeline.opsUrl}/metrics`)).text();
    return /switchyard_ingest_rows_total(\{[^}]*\})? 5\b/.test(body) ? body : null;
  });
  assert.match(text, /switchyard_ingest_batch_rows_bucket/);
  assert.match(text, /switchyard_ingest_insert_duration_milliseconds_count|switchyard_ingest_insert_duration_count/);
  assert.match(text, /switchyard_ingest_event_to_queryable_delay[a-z_]*_count(\{[^}]*\})? 5\b/);
  assert.match(text, /gen_ai_client_operation_duration(_seconds)?_count\{[^}]*gen_ai_provider_name="(openai|anthropic|gemini)"/);
  assert.match(text, /gen_ai_client_token_usage[a-z_]*_count\{[^}]*gen_ai_token_type="input"/);
  assert.match(text, /switchyard_collector_cost_(USD_)?total\{/);
  assert.match(text, /switchyard_collector_overhead[a-z_]*_count(\{[^}]*\})? 5\b/);
  assert.match(text, /switchyard_collector_circuit_state\{[^}]*switchyard_deployment="openai-primary"[^}]*\} 0/);
  // One readiness answer, whichever port is asked.
  const base = pipeline.collectorUrl!.replace(/\/v1$/, '');
  for (const url of [`${pipeline.opsUrl}/readyz`, `${base}/readyz`]) {
    const ready = await fetch(url);
    assert.deepEqual([ready.status, await ready.json()], [200, { status: 'ready' }], url);
  }
  const health = await fetch(`${pipeline.opsUrl}/healthz`);
  assert.equal(health.status, 200);
  const report = (await health.json()) as { ok: boolean; checks: { ingest: { stored: number } } };
  assert.equal(report.ok, true);
  assert.equal(report.checks.ingest.stored, 5);
});

test('an unknown path on the ops port is a 404 naming what the port serves (found by a fresh-user trial: an empty body)', async () => {
  const res = await fetch(`${pipeline.opsUrl}/metric`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const body = (await res.json()) as { error: string };
  assert.match(body.error, /\/metrics.*\/healthz.*\/readyz/);
});
