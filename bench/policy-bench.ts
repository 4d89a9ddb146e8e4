import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { PolicyService } from '../policy/policy-service.ts';
import type { RoutingDecision } from '../policy/routing-decision-contract.ts';
import { benchRoutes, MIN, T0 } from './policy-bench-scenarios.ts';
import { routeTraffic, seeded } from './policy-bench-traffic.ts';
import { round, SeedReport, worstCase, type SeedResult } from './policy-bench-report.ts';

// Decision quality of the policy engine: synthetic traffic with known ground truth, routed by the
// collector's weighted choice with the policy's weights, stored through the real ingest writer
// into chDB (raw and the v2 rollups), and evaluated by the real PolicyService on a simulated clock.
// Every seed's scenarios run side by side (route names prefixed `s<seed>.`) through one engine, each
// seed with its own random streams, so a seed's result does not depend on which others run with it.
// Prints one JSON object: per-seed results and the worst case across seeds against the goals.

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '40' },
    'craft-scenarios': { type: 'string', default: '40' },
    /** Seeds to run: a range `1-20`, a list `7,8`, or one seed. */
    seeds: { type: 'string', default: '1-20' },
    /** One seed (kept for the single-seed runs of earlier reports); overrides --seeds. */
    seed: { type: 'string' },
    /** Prints every decision of this route (with its seed prefix, e.g. s8.low) to stderr, one line per evaluation. */
    trace: { type: 'string' },
    /** Child processes the seeds are split across (each its own chDB); results do not depend on the split. */
    workers: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const INTERVAL_MS = 5000;
const WINDOW_MS = 30_000;
const steps = (Number(values.minutes) * MIN) / INTERVAL_MS;
const seeds = parseSeeds(values.seed ?? values.seeds);
const perSeed = seeds.map((seed) => {
  const prefix = `s${seed}.`;
  const routes = benchRoutes(Number(values['craft-scenarios']), seed, prefix);
  return { seed, routes, random: seeded(seed + 1), report: new SeedReport(seed, prefix, routes) };
});

const workers = Math.min(Number(values.workers), seeds.length);
if (workers > 1) {
  const wallStart = performance.now();
  const groups = Array.from({ length: workers }, (_, w) => seeds.filter((_, i) => i % workers === w));
  const parts = await Promise.all(groups.map((g) => runWorker(g)));
  const results = parts.flatMap((p) => p.per_seed).sort((a, b) => a.seed - b.seed);
  const summary = {
    seeds: seeds.length,
    ...worstCase(results, INTERVAL_MS / 1000),
    per_seed: results,
    counted: { seeds: seeds.length, policy_evaluations: steps, attempts_stored: parts.reduce((n, p) => n + p.counted.attempts_stored, 0) },
    settings: {
      policy_interval_s: INTERVAL_MS / 1000,
      policy_window_s: WINDOW_MS / 1000,
      simulated_minutes: Number(values.minutes),
      seeds: values.seed ?? values.seeds,
      workers,
    },
    wall_s: round((performance.now() - wallStart) / 1000),
  };
  console.log(JSON.stringify(summary, null, values.json ? undefined : 2));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-policy-bench-'));
const clickhouse = createClickHouse({ kind: 'embedded', path: dir });
const wallStart = performance.now();
const ms = { traffic_and_ingest: 0, policy: 0 };
try {
  await migrate(clickhouse);
  const config = parseRoutesConfig({ routes: perSeed.flatMap((s) => s.routes.map((r) => r.config)) }, 'bench routes');
  let now = T0;
  const policy = new PolicyService({ clickhouse, routes: config, intervalMs: INTERVAL_MS, windowMs: WINDOW_MS, clock: { now: () => now } });
  const { handle, stats } = createAttemptWriter({ clickhouse, source: 'policy-bench' });
  const weights = new Map<string, Map<string, number>>();
  let offset = 0;
  let events = 0;
  for (let step = 0; step < steps; step++) {
    const t0 = performance.now();
    const fromMs = T0 + step * INTERVAL_MS;
    const batch = perSeed.flatMap((s) => s.routes.flatMap((r) => routeTraffic(r.sim, weights.get(r.sim.name) ?? new Map(), fromMs, INTERVAL_MS, s.random)));
    if (batch.length) await handle(batch.map((e) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(offset++) })));
    events += batch.length;
    now = fromMs + INTERVAL_MS;
    const t1 = performance.now();
    const { decisions } = await policy.evaluate();
    ms.traffic_and_ingest += t1 - t0;
    ms.policy += performance.now() - t1;
    // The collector applies the published weights from the next requests on (one poll, ≤ 5 s).
    for (const d of decisions) {
      if (!weights.has(d.route)) weights.set(d.route, new Map());
      weights.get(d.route)!.set(d.deployment, d.weight);
    }
    const byKey = new Map<string, RoutingDecision>(decisions.map((d) => [`${d.route}/${d.deployment}`, d]));
    for (const s of perSeed) s.report.add(now, byKey);
    if ((step + 1) % 12 === 0)
      console.error(
        `policy-bench [${values.seed ?? values.seeds}]: ${(step + 1) / 12} of ${values.minutes} simulated minutes, ${round((performance.now() - wallStart) / 1000)} s`,
      );
    for (const d of decisions.filter((x) => x.route === values.trace)) console.error(`${(now - T0) / 1000}s ${d.deployment} share=${d.share} ${d.detail}`);
  }
  const results = perSeed.map((s) => s.report.result());
  const summary = {
    seeds: seeds.length,
    ...worstCase(results, INTERVAL_MS / 1000),
    per_seed: results,
    counted: { seeds: seeds.length, policy_evaluations: steps, attempts_stored: events },
    settings: {
      policy_interval_s: INTERVAL_MS / 1000,
      policy_window_s: WINDOW_MS / 1000,
      simulated_minutes: Number(values.minutes),
      seeds: values.seed ?? values.seeds,
    },
    wall_s: round((performance.now() - wallStart) / 1000),
    wall_split_s: {
      traffic_and_ingest: round(ms.traffic_and_ingest / 1000),
      policy: round(ms.policy / 1000),
      ingest_stages: Object.fromEntries(Object.entries(stats.stageMs).map(([k, v]) => [k, round(v / 1000)])),
    },
  };
  console.log(JSON.stringify(summary, null, values.json ? undefined : 2));
} finally {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
}

function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  const list = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`--seeds: expected a range like 1-20 or a list like 7,8, got "${text}"`);
  return list;
}

interface WorkerOutput {
  per_seed: SeedResult[];
  counted: { attempts_stored: number };
}

/** Runs this bench for some seeds in a child process and returns its JSON. */
function runWorker(group: number[]): Promise<WorkerOutput> {
  const args = [
    '--import',
    'tsx',
    process.argv[1]!,
    '--json',
    '--seeds',
    group.join(','),
    '--minutes',
    values.minutes,
    '--craft-scenarios',
    values['craft-scenarios'],
  ];
  return new Promise((resolve, reject) => {
    // stderr (progress, traces) passes straight through; stdout is the worker's one JSON object.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker for seeds ${group.join(',')} exited with ${code}`));
      resolve(JSON.parse(stdout) as WorkerOutput);
    });
  });
}
