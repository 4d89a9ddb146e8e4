import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPipeline, type Pipeline } from '../cli/pipeline.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { until } from './support/wait.ts';

// A collector alone (events to the real broker) with a watched routes file: what a reload applies, what it says needs a restart.
const brokers = process.env.KAFKA_BROKERS?.split(',');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-reload-'));
const file = join(dir, 'routes.json');
const logs: string[] = [];
let pipeline: Pipeline;

const deployment = (name: string) => ({ name, provider: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key_env: 'K', model: 'gpt-4o-mini' });
const routes = (names: string[], windowMs: number) => ({
  routes: [{ name: 'chat', deployments: names.map(deployment) }],
  circuit_breaker: { window_ms: windowMs },
});

function rewrite(content: object, secondsAhead: number): void {
  writeFileSync(file, JSON.stringify(content));
  // A distinct mtime, whatever the file system's timestamp resolution.
  const at = new Date(Date.now() + secondsAhead * 1000);
  utimesSync(file, at, at);
}

before(async () => {
  if (!brokers) return;
  writeFileSync(file, JSON.stringify(routes(['a'], 10_000)));
  pipeline = await startPipeline({
    services: new Set(['collector']),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    opsPort: 0,
    routes: parseRoutesConfig(routes(['a'], 10_000)),
    routesFile: file,
    providerEnv: { K: 'k' },
    kafka: { brokers, groupId: `reload-${crypto.randomUUID()}`, topic: `reload-${crypto.randomUUID()}` },
    weightsPollMs: 1000,
    policyIntervalMs: 1000,
    policyWindowMs: 10_000,
    log: (m) => logs.push(m),
  });
});
after(async () => {
  await pipeline?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'without a policy source the collector says so; a reload names what needs a restart, and the circuit gauge covers added deployments',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 60_000 },
  async () => {
    assert.ok(
      logs.some((m) => /no policy source/.test(m)),
      'said at start',
    );
    rewrite(routes(['a', 'b'], 5000), 5);
    const said = await until('the reload', async () => logs.find((m) => /apply only after a restart/.test(m)));
    assert.match(said, /: circuit_breaker$/);
    const metrics = await until('a gauge for the added deployment', async () => {
      const body = await (await fetch(`${pipeline.opsUrl}/metrics`)).text();
      return /switchyard_collector_circuit_state\{[^}]*switchyard_deployment="b"[^}]*\} 0/.test(body) ? body : null;
    });
    assert.match(metrics, /switchyard_collector_circuit_state\{[^}]*switchyard_deployment="a"[^}]*\} 0/);

    rewrite(routes(['b'], 5000), 10);
    await until('the second reload', async () => logs.filter((m) => /routes reloaded/.test(m)).length === 2);
    assert.equal(logs.filter((m) => /apply only after a restart/.test(m)).length, 1, 'only live settings changed: nothing to restart for');
  },
);
