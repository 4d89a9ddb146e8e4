import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { simulatedUpstreams } from '../cli/default-routes.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { apiKeyId } from '../collector/http/request-tags.ts';
import { resolvePriceSheet } from '../collector/pricing/price-sheet.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { countPromptTokens } from '../collector/budget/prompt-tokens.ts';
import { worstCaseNano } from '../collector/budget/worst-case-cost.ts';
import { attackClient, overheadClient, STEADY_MAX_TOKENS, steadyMessages, type AttackTally } from './budget-bench-clients.ts';
import { bucketQuantile, bucketsSince, checkBuckets, checkWaits } from './budget-bench-histogram.ts';
import { freePort, startSwitchyard, type BenchProcess } from './budget-bench-processes.ts';

// The three-replica attack over real processes: three `switchyard collector` processes and one
// policy/API process holding the lease grantor, events over the broker when KAFKA_BROKERS is set
// (one ingest beside the grantor) and otherwise each collector storing its own (embedded
// transport). 100 concurrent clients on one key against a hard monthly budget, spread over the
// three collectors; then, in the same run, clients on a key with a roomy budget beside clients on
// a key with none, for the budget check's added p99 (the collector's own overhead, from its
// x-switchyard-overhead-ms header). Prints one JSON object.

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    'limit-usd': { type: 'string', default: '0.05' },
    'steady-requests': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(values.clients);
const LIMIT_NANO = Math.round(Number(values['limit-usd']) * 1e9);
const REPLICAS = 3;
const brokers = process.env.KAFKA_BROKERS;

const dir = mkdtempSync(join(tmpdir(), 'switchyard-budget-bench-'));
const sim = await startSimulator({ seed: 17 });
const deployment = {
  name: 'openai-primary',
  provider: 'openai',
  base_url: sim.baseUrl(simulatedUpstreams.openai, 'openai'),
  api_key_env: 'SWITCHYARD_SIMULATOR_KEY',
  model: 'gpt-4o-mini',
};
const routes = parseRoutesConfig({
  routes: [{ name: 'chat', deployments: [deployment] }],
  budgets: {
    default_max_tokens: 100,
    calendar: [
      { id: 'attack', scope: 'key', match: apiKeyId('Bearer attacker'), period: 'month', limit_usd: values['limit-usd'] },
      { id: 'roomy', scope: 'key', match: apiKeyId('Bearer steady'), period: 'month', limit_usd: '1000' },
    ],
  },
});
const sheet = resolvePriceSheet(routes.routes[0]!.deployments[0]!);
const routesFile = join(dir, 'routes.json');
writeFileSync(routesFile, JSON.stringify(routes));
const suffix = crypto.randomUUID().slice(0, 8);
const common = {
  SWITCHYARD_CONFIG: routesFile,
  SWITCHYARD_SIMULATOR_KEY: 'sim',
  ...(brokers ? { KAFKA_BROKERS: brokers, KAFKA_TOPIC: `llm.attempts.v1.budget-bench-${suffix}`, KAFKA_GROUP_ID: `budget-bench-${suffix}` } : {}),
};

const processes: BenchProcess[] = [];
let finished = false;
const started = performance.now();
try {
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
  processes.push(
    await startSwitchyard(
      brokers ? ['ingest', 'policy', 'api'] : ['policy', 'api'],
      { ...common, SWITCHYARD_DATA: join(dir, 'backend'), SWITCHYARD_API_PORT: String(apiPort) },
      /GraphQL:\s+http/,
      join(dir, 'backend.log'),
    ),
  );
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  // Every start settles before any failure is thrown, so a sibling that fails leaves none running.
  const starts = await Promise.allSettled(
    ports.map(async (port, i) => {
      const c = await startSwitchyard(
        brokers ? ['collector'] : ['collector', 'ingest'],
        { ...common, SWITCHYARD_PORT: String(port), SWITCHYARD_API_URL: apiUrl, SWITCHYARD_DATA: join(dir, `c${i}`) },
        /Ops:\s+http\S+\/metrics/,
        join(dir, `collector-${i}.log`),
      );
      processes.push(c);
    }),
  );
  for (const s of starts) if (s.status === 'rejected') throw s.reason;
  const collectorMetrics = processes.slice(1).map((p) => p.metricsUrl!);
  const url = (n: number) => `http://127.0.0.1:${ports[n % REPLICAS]}/v1/chat/completions`;

  const tally: AttackTally = { served: 0, refused: 0, otherStatuses: {}, spentNano: 0, maxWorstNano: 0 };
  const attackStarted = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => attackClient(url(n), 'attacker', sheet, tally, 3000)));
  const attackS = (performance.now() - attackStarted) / 1000;
  const grantorView = await budgetSpent(apiUrl);

  // Same processes, same run: half the clients under a roomy budget, half under none, interleaved.
  // Warm-up: every steady client's collector takes its first lease of the roomy budget (a cold
  // start waits for the grantor); the timed phase starts after it.
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => overheadClient(url(n), n % 2 === 0 ? 'steady' : 'free', 3, [], { count: 0 })));
  const checksBefore = await checkBuckets(collectorMetrics);
  const waitsBefore = await checkWaits(collectorMetrics);
  const steadyRefusals = { count: 0 };
  const budgeted: number[] = [];
  const unbudgeted: number[] = [];
  const steadyN = Number(values['steady-requests']);
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, n) =>
      n % 2 === 0 ? overheadClient(url(n), 'steady', steadyN, budgeted, steadyRefusals) : overheadClient(url(n), 'free', steadyN, unbudgeted, steadyRefusals),
    ),
  );

  const steadyChecks = bucketsSince(await checkBuckets(collectorMetrics), checksBefore);
  const steadyWaits = (await checkWaits(collectorMetrics)) - waitsBefore;
  const gateP99 = bucketQuantile(steadyChecks, 0.99);
  // Work a budgeted request does before the gate (prompt tokens, each candidate's worst case),
  // timed here on the same code and request shapes: the collectors' histogram starts at the gate.
  const pricingUs: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t0 = performance.now();
    worstCaseNano(countPromptTokens({ model: 'chat', messages: steadyMessages(i), max_tokens: STEADY_MAX_TOKENS, stream: false }), STEADY_MAX_TOKENS, sheet);
    pricingUs.push((performance.now() - t0) * 1000);
  }

  const overshootNano = Math.max(0, tally.spentNano - LIMIT_NANO);
  const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
  const report = {
    transport: brokers ? `kafka ${brokers}` : 'embedded (each collector stores its own events)',
    collector_processes: REPLICAS,
    clients: CLIENTS,
    limit_usd: LIMIT_NANO / 1e9,
    spent_usd: tally.spentNano / 1e9,
    // The grantor's book: spend the collectors reported, for the record.
    grantor_spent_usd: grantorView,
    served: tally.served,
    refused: tally.refused,
    other_statuses: tally.otherStatuses,
    overshoot_usd: overshootNano / 1e9,
    overshoot_requests_per_replica: tally.maxWorstNano > 0 ? overshootNano / tally.maxWorstNano / REPLICAS : 0,
    // Every client stops after three refusals in a row (each waited out its Retry-After), so what
    // is left at the end was left while all of them were refused.
    refused_while_budget_left_usd: Math.max(0, LIMIT_NANO - tally.spentNano) / 1e9,
    max_request_worst_case_usd: tally.maxWorstNano / 1e9,
    attack_s: Math.round(attackS * 10) / 10,
    // Steady phase: p99 of the gate's wall time in the collectors (their histogram, interpolated
    // in 10–25 µs buckets below 200 µs) plus p99 of the pricing before it. An unbudgeted request
    // does neither (the dispatcher's one `applies` lookup is common to both).
    budget_check_added_p99_us: Math.round(gateP99 + p99(pricingUs)),
    budget_gate_p99_us: Math.round(gateP99),
    budget_gate_p50_us: Math.round(bucketQuantile(steadyChecks, 0.5)),
    budget_gate_p90_us: Math.round(bucketQuantile(steadyChecks, 0.9)),
    // Checks answered locally, from the lease, within the 200 µs goal; the rest waited for the grantor.
    budget_gate_share_within_200us: Math.round((1000 * (steadyChecks.get(200) ?? 0)) / Math.max(1, steadyChecks.get(Number.POSITIVE_INFINITY) ?? 0)) / 1000,
    // Checks that waited for the grantor (their lease was short) rather than answering from it.
    budget_gate_share_waited: Math.round((1000 * steadyWaits) / Math.max(1, steadyChecks.get(Number.POSITIVE_INFINITY) ?? 0)) / 1000,
    budget_pricing_p99_us: Math.round(p99(pricingUs)),
    budget_checks_timed: steadyChecks.get(Number.POSITIVE_INFINITY) ?? 0,
    // Timed-phase requests under the roomy budget refused (their collector's lease ran out while the grantor was slow).
    steady_refused: steadyRefusals.count,
    // The collectors' whole overhead (x-switchyard-overhead-ms) with and without a budget, same
    // run, interleaved: on a shared 2-core machine its p99 is scheduling noise of milliseconds,
    // which is why the added p99 above is timed where the work happens.
    overhead_p99_us_with_budget: Math.round(p99(budgeted)),
    overhead_p99_us_without_budget: Math.round(p99(unbudgeted)),
    overhead_samples: { with_budget: budgeted.length, without_budget: unbudgeted.length },
    duration_s: Math.round((performance.now() - started) / 100) / 10,
  };
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  finished = true;
} finally {
  for (const p of processes.reverse()) await p.stop();
  await sim.close();
  // A failed run keeps its processes' logs.
  if (finished) rmSync(dir, { recursive: true, force: true });
  else console.error(`budget bench failed; process logs in ${dir}`);
}

/** The attack budget's spend in the grantor's book (GraphQL `budgets`), USD; null when it cannot say. */
async function budgetSpent(apiUrl: string): Promise<number | null> {
  const r = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ budgets { id spent } }' }),
  });
  const body = (await r.json()) as { data?: { budgets: Array<{ id: string; spent: string }> } };
  const attack = body.data?.budgets.find((b) => b.id === 'attack');
  return attack ? Number(attack.spent) : null;
}
