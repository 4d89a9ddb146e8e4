import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNames, startPipeline, type Pipeline } from '../cli/pipeline.ts';
import { SIMULATOR_KEY_ENV, simulatedUpstreams } from '../cli/default-routes.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import { graphql, until } from './support/spine-scenario.ts';
import { scalar } from './support/embedded-store.ts';

// End to end on chDB: a deployment whose upstream answers 500 opens its circuit in the real
// collector; the collector reports it with its weights poll; the next policy evaluation counts the
// open seconds in Availability, visible in providerScores' evidence.

let pipeline: Pipeline;
let simulator: Simulator;
let failing: Server;
let failingCalls = 0;
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-circuit-'));

before(async () => {
  failing = createServer((req, res) => {
    failingCalls++;
    req.resume();
    req.on('end', () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"upstream down","type":"server_error"}}'));
  });
  await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
  simulator = await startSimulator({ seed: 11 });
  const routes = parseRoutesConfig({
    routes: [
      {
        name: 'chat',
        deployments: [
          {
            name: 'good',
            provider: 'openai',
            base_url: simulator.baseUrl(simulatedUpstreams.openai, 'openai'),
            api_key_env: SIMULATOR_KEY_ENV,
            model: 'gpt-4o-mini',
          },
          {
            name: 'bad',
            provider: 'openai-compatible',
            base_url: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/v1`,
            api_key_env: SIMULATOR_KEY_ENV,
            model: 'm',
            price: { input_per_mtok: '1', output_per_mtok: '1' },
          },
        ],
      },
    ],
    retry: { base_delay_ms: 5, max_delay_ms: 20 },
    // One failure in the window opens it; it stays open (cooling down) for the whole test.
    circuit_breaker: { failure_threshold: 0.5, window_ms: 1000, minimum_rps: 1, half_open_after_ms: 600_000 },
  });
  pipeline = await startPipeline({
    services: new Set(serviceNames),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    routes,
    providerEnv: { [SIMULATOR_KEY_ENV]: 'simulated-key' },
    clickhouse: { kind: 'embedded', path: join(dataDir, 'clickhouse') },
    weightsPollMs: 100,
    policyIntervalMs: 300,
    policyWindowMs: 3000,
    log: () => {},
  });
});

after(async () => {
  await pipeline?.stop();
  await simulator?.close();
  await new Promise((r) => failing?.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

const chat = (i: number) =>
  fetch(`${pipeline.collectorUrl!}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-switchyard-team': 'search' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `q ${i}` }], max_tokens: 16 }),
  });

test('a breaker opened by a failing upstream shows as circuit-open seconds in Availability at the next policy evaluation', async () => {
  // Requests until the failing deployment was tried (1:1 weights: a few at most); each still succeeds by failover.
  for (let i = 0; failingCalls === 0 && i < 50; i++) assert.equal((await chat(i)).status, 200);
  assert.ok(failingCalls > 0, 'the failing deployment was tried');
  const openedAt = Date.now();
  await until('the collector to report the open circuit', async () =>
    Number(await scalar(pipeline.clickhouse!, "SELECT count() FROM circuit_transitions_v1 WHERE route = 'chat' AND deployment = 'bad' AND state = 'open'")),
  );
  const evidence = await until(
    'the policy to count open time',
    async () => {
      const { providerScores } = await graphql<{
        providerScores: {
          current: Array<{ deployment: string; factors: Array<{ name: string; score: number; evidence: Array<{ name: string; value: number }> }> }>;
        };
      }>(pipeline.apiUrl!, '{ providerScores(route: "chat") { current { deployment factors { name score evidence { name value } } } } }');
      const bad = providerScores.current.find((c) => c.deployment === 'bad')?.factors.find((f) => f.name === 'availability');
      const open = bad?.evidence.find((e) => e.name === 'circuit_open_seconds')?.value ?? 0;
      return open > 0
        ? { bad: bad!, good: providerScores.current.find((c) => c.deployment === 'good')!.factors.find((f) => f.name === 'availability')! }
        : null;
    },
    20_000,
  );
  const open = evidence.bad.evidence.find((e) => e.name === 'circuit_open_seconds')!.value;
  assert.ok(open <= (Date.now() - openedAt) / 1000 + 1, `open ${open} s is no longer than the circuit has been open`);
  assert.equal(evidence.good.evidence.find((e) => e.name === 'circuit_open_seconds')!.value, 0, 'the healthy deployment never had its circuit open');
  assert.ok(evidence.bad.score < evidence.good.score, `availability ${evidence.bad.score} < ${evidence.good.score}`);
  const collector = await scalar(pipeline.clickhouse!, "SELECT any(collector) FROM circuit_transitions_v1 WHERE deployment = 'bad'");
  assert.match(collector, /^.+:\d+$/, 'rows name the collector instance');
});
