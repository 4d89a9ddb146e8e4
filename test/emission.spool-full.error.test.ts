import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { startPipeline } from '../cli/pipeline.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { DiskSpool } from '../core/transport/disk-spool.ts';

// A collector whose broker is unreachable and whose disk spool holds one segment: once memory and
// disk are both full it turns requests away with a 503 that names the reason, in OpenAI's and
// Anthropic's shapes, and /metrics says so — and every event it did accept is kept.

const chat = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

test('spool full: new requests get a clear 503 (both API shapes) and a metric; nothing accepted is lost', { timeout: 120_000 }, async () => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-spool-full-'));
  const sim = await startSimulator({ seed: 1 });
  const pipeline = await startPipeline({
    services: new Set(['collector']),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    opsPort: 0,
    routes: simulatedRoutes((u, k) => sim.baseUrl(u, k), { base_delay_ms: 1, max_delay_ms: 5 }),
    providerEnv: { [SIMULATOR_KEY_ENV]: 'k' },
    kafka: { brokers: ['127.0.0.1:1'], groupId: 'unused', topic: `llm.attempts.v1.full-${crypto.randomUUID().slice(0, 8)}` },
    spoolDir,
    emission: { memoryEvents: 2, spool: { maxSegments: 1 } },
    apiUrl: 'http://127.0.0.1:1/graphql',
    weightsPollMs: 60_000,
    policyIntervalMs: 60_000,
    policyWindowMs: 60_000,
    log: () => {},
  });
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${pipeline.collectorUrl!.replace(/\/v1$/, '')}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body),
      });
    let refused: Response | null = null;
    let served = 0;
    for (let i = 0; i < 50 && !refused; i++) {
      const r = await post('/v1/chat/completions', chat);
      if (r.status === 503) refused = r;
      else {
        const text = await r.text();
        assert.equal(r.status, 200, text);
        served++;
      }
    }
    assert.ok(refused, 'the collector refused once the spool was full');
    assert.ok(served >= 3, `requests were served while memory and disk had room (${served})`);
    assert.equal(refused.headers.get('retry-after'), '5');
    const openai = (await refused.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(openai.error.code, 'event_spool_full');
    assert.equal(openai.error.type, 'service_unavailable');
    assert.match(openai.error.message, /cannot record attempts.*event spool full: 1 of 1 segments.*Nothing was sent to a provider/);

    const anthropic = await post('/v1/messages', { model: 'chat', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(anthropic.status, 503);
    const body = (await anthropic.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'overloaded_error');
    assert.match(body.error.message, /event spool full/);

    const metrics = await (await fetch(`${pipeline.opsUrl}/metrics`)).text();
    assert.match(metrics, /switchyard_emission_refused_requests_total\{[^}]*switchyard_reason="event_spool_full"[^}]*\} 2/);
    assert.match(metrics, /switchyard_emission_accepting\{[^}]*switchyard_transport="kafka"[^}]*\} 0/);
    assert.match(metrics, /switchyard_emission_dropped_total\{[^}]*\} 0/);
    assert.match(metrics, /switchyard_emission_spool_segments\{[^}]*\} 1/);
    assert.match(metrics, /switchyard_emission_published_total\{[^}]*\} [1-9]/);
    assert.match(metrics, /switchyard_emission_spool_oldest_age_seconds\{[^}]*\} \d/);
    const published = pipeline.emitted!.total;

    await pipeline.stop();
    // Shutdown writes what memory held past the bound rather than lose it: every accepted event is on disk.
    assert.equal(new DiskSpool(spoolDir).depth().events, published);
    assert.equal(pipeline.publisher!.dropped, 0);
  } finally {
    await pipeline.stop();
    await sim.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
});
