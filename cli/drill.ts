import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { ConfigError } from '../core/errors.ts';
import { queryCostReport } from '../api/cost-report-query.ts';
import { readStore } from '../api/read-store.ts';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from './default-routes.ts';
import { drillScenarios, type Outcome, type Scenario } from './drill-scenarios.ts';

import { serviceNames, startPipeline, type Pipeline } from './pipeline.ts';

export { drillScenarios };

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
  /** The scenario's success criterion, in words. */
  criterion: string;
  /** Whether the criterion held: every failure was one the scenario tolerates. */
  passed: boolean;
}

/** Progress callbacks of a drill (the CLI draws them on stderr). */
export interface DrillProgress {
  request(done: number, total: number, failed: number): void;
  phase(message: string): void;
}

/** Runs the whole pipeline in-process on a fresh embedded store, drives traffic, and reports. */
export async function runDrill(scenarioName: string, requests: number, concurrency: number, progress?: DrillProgress): Promise<DrillReport> {
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
    const outcomes = await driveTraffic(pipeline.collectorUrl!, requests, concurrency, progress);
    const emitted = pipeline.emitted!;
    progress?.phase(`waiting for ingest to store ${emitted.total} attempts`);
    await pipeline.publisher!.flush();
    const stored = await waitForStored(pipeline, emitted.total);
    const cost = await queryCostReport(readStore(pipeline.clickhouse!), { fromMs: 0, toMs: Date.parse('2100-01-01T00:00:00Z') }, [], 'all');
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    const decisions = await (
      await pipeline.clickhouse!.query({ query: 'SELECT budget_decision AS d, count() AS n FROM attempts FINAL GROUP BY d ORDER BY d', format: 'JSONEachRow' })
    ).json<{ d: string; n: string }>();
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
      criterion: scenario.criterion,
      passed: outcomes.every((o) => o.ok || scenario.tolerated?.(o) === true),
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

async function driveTraffic(baseUrl: string, requests: number, concurrency: number, progress?: DrillProgress): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const started = performance.now();
      const team = `team-${i % 3}`;
      const response = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer drill-key', 'x-switchyard-team': team, 'x-switchyard-feature': 'drill' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `Drill request ${i}: summarise the weather.` }], max_tokens: 64 }),
      }).catch(() => null);
      await response?.arrayBuffer();
      const ok = response?.status === 200;
      outcomes.push({ ok, status: String(response?.status ?? 'network_error'), ms: Math.round((performance.now() - started) * 10) / 10, team });
      if (!ok) failed++;
      progress?.request(outcomes.length, requests, failed);
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
