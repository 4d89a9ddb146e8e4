import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { HedgeConfig, RoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator, type FaultSpec } from '../collector/simulator/index.ts';
import { ConfigError } from '../core/errors.ts';
import { queryCostReport } from '../api/cost-report-query.ts';
import { simulatedRoutes, simulatedUpstreams, SIMULATOR_KEY_ENV } from './default-routes.ts';
import { serviceNames, startPipeline, type Pipeline } from './pipeline.ts';

interface Scenario {
  description: string;
  faults: Record<string, FaultSpec>;
  retry?: Partial<RoutesConfig['retry']>;
  hedge?: HedgeConfig;
  budgets?: RoutesConfig['budgets'];
}

/** Fault scenarios over the three simulated deployments of route `chat`. */
export const drillScenarios: Record<string, Scenario> = {
  healthy: { description: 'all three providers healthy', faults: {} },
  outage: { description: 'the Anthropic deployment is hard down', faults: { [simulatedUpstreams.anthropic]: { down: true } } },
  'rate-limit-storm': {
    description: '30% of requests to the OpenAI deployment answer 429 with Retry-After',
    faults: { [simulatedUpstreams.openai]: { errorRates: { '429': 0.3 }, retryAfterSeconds: 1 } },
  },
  flapping: {
    description: 'the OpenAI deployment flaps: 300 ms up, 300 ms down (503)',
    faults: { [simulatedUpstreams.openai]: { flap: { upMs: 300, downMs: 300 } } },
  },
  'all-down': {
    description: 'every provider is down: requests fail fast with 503 and circuits open',
    faults: { [simulatedUpstreams.openai]: { down: true }, [simulatedUpstreams.anthropic]: { down: true }, [simulatedUpstreams.gemini]: { down: true } },
  },
  'latency-spike': {
    description: 'the OpenAI deployment answers after 10 s; the route hedges at its recent p95 and attempts time out at 2 s',
    faults: { [simulatedUpstreams.openai]: { latencyMs: { min: 10_000, max: 10_000 } } },
    retry: { attempt_timeout_ms: 2000 },
    hedge: { percentile: 95, min_samples: 20, initial_delay_ms: 300, min_delay_ms: 20 },
  },
  'budget-exhausted': {
    description: 'team-0 has $0.0005 a day and runs out mid-run (429 + Retry-After); team-1 and team-2 are unaffected',
    faults: {},
    budgets: { default_max_tokens: 64, limits: [{ scope: 'team', id: 'team-0', limit_usd: 0.0005, per: 'day', on_exhausted: 'reject', max_delay_ms: 0 }] },
  },
};

export interface DrillReport {
  scenario: string;
  requests: number;
  succeeded: number;
  failed: number;
  attempts: number;
  p50_ms: number;
  p99_ms: number;
  cost_usd: string;
  attempts_by_provider: Record<string, number>;
  /** HTTP statuses the clients saw. */
  statuses: Record<string, number>;
  /** Stored attempts per budget decision (none, allow, delay, downgrade, reject). */
  budget_decisions: Record<string, number>;
  stored_attempts: number;
}

export async function runDrillCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { scenario: { type: 'string', default: 'healthy' }, requests: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' }, json: { type: 'boolean', default: false } },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(requests) || requests < 1) throw new ConfigError(`--requests must be a positive integer, got "${values.requests}"`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
  const report = await runDrill(values.scenario!, requests, concurrency);
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  return 0;
}

/** Runs the whole pipeline in-process on a fresh embedded store, drives traffic, and reports. */
export async function runDrill(scenarioName: string, requests: number, concurrency: number): Promise<DrillReport> {
  const scenario = drillScenarios[scenarioName];
  if (!scenario) throw new ConfigError(`unknown scenario "${scenarioName}"; choose one of ${Object.keys(drillScenarios).join(', ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-drill-'));
  const simulator = await startSimulator({ seed: 42, faults: scenario.faults });
  let pipeline: Pipeline | null = null;
  try {
    pipeline = await startPipeline({
      services: new Set(serviceNames),
      host: '127.0.0.1',
      collectorPort: 0,
      apiPort: 0,
      routes: scenarioRoutes(scenario, (u, k) => simulator.baseUrl(u, k)),
      providerEnv: { [SIMULATOR_KEY_ENV]: 'simulated-key' },
      clickhouse: { kind: 'embedded', path: join(dataDir, 'clickhouse') },
      weightsPollMs: 500,
      policyIntervalMs: 1000,
      policyWindowMs: 10_000,
      log: () => {},
    });
    const outcomes = await driveTraffic(pipeline.collectorUrl!, requests, concurrency);
    const emitted = pipeline.emitted!;
    await pipeline.publisher!.flush();
    const stored = await waitForStored(pipeline, emitted.total);
    const cost = await queryCostReport(pipeline.clickhouse!, '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z', []);
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    const decisions = await (await pipeline.clickhouse!.query({ query: 'SELECT budget_decision AS d, count() AS n FROM attempts FINAL GROUP BY d ORDER BY d', format: 'JSONEachRow' })).json<{ d: string; n: string }>();
    return {
      scenario: scenarioName,
      requests,
      succeeded: outcomes.filter((o) => o.ok).length,
      failed: outcomes.filter((o) => !o.ok).length,
      attempts: emitted.total,
      p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99),
      cost_usd: cost.total.costUsd,
      attempts_by_provider: { ...emitted.byProvider },
      statuses,
      budget_decisions: Object.fromEntries(decisions.map((r) => [r.d, Number(r.n)])),
      stored_attempts: stored,
    };
  } finally {
    await pipeline?.stop();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function scenarioRoutes(scenario: Scenario, baseUrl: Parameters<typeof simulatedRoutes>[0]): RoutesConfig {
  const routes = simulatedRoutes(baseUrl, scenario.retry);
  return {
    ...routes,
    ...(scenario.budgets ? { budgets: scenario.budgets } : {}),
    routes: routes.routes.map((r) => ({ ...r, ...(scenario.hedge ? { hedge: scenario.hedge } : {}) })),
  };
}

async function driveTraffic(baseUrl: string, requests: number, concurrency: number): Promise<Array<{ ok: boolean; status: string; ms: number }>> {
  const outcomes: Array<{ ok: boolean; status: string; ms: number }> = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const started = performance.now();
      const response = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer drill-key', 'x-switchyard-team': `team-${i % 3}`, 'x-switchyard-feature': 'drill' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `Drill request ${i}: summarise the weather.` }], max_tokens: 64 }),
      }).catch(() => null);
      await response?.arrayBuffer();
      outcomes.push({ ok: response?.status === 200, status: String(response?.status ?? 'network_error'), ms: Math.round((performance.now() - started) * 10) / 10 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  return outcomes;
}

/** Waits until ingest has stored as many distinct attempts as were emitted, or 30 s pass. */
async function waitForStored(pipeline: Pipeline, expected: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await pipeline.clickhouse!.query({ query: 'SELECT count() AS n FROM attempts FINAL', format: 'JSONEachRow' });
    const n = Number((await result.json<{ n: string }>())[0]?.n ?? 0);
    if (n >= expected || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
