import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../core/clock.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarBudgetSchema } from '../collector/budget/budget-definition.ts';
import { BudgetGate, BudgetRejected } from '../collector/budget/budget-gate.ts';
import { BudgetLedger } from '../collector/budget/budget-ledger.ts';
import { clientRows } from '../policy/row-reader.ts';
import { BudgetGrantor } from '../policy/budgets/budget-grantor.ts';
import { writeBudget } from '../policy/budgets/budget-store.ts';
import { attackTags, startReplica } from '../policy/budgets/testing/budget-replica.ts';

// The three-replica attack inside one process (npm run bench:budget runs it over three collector
// processes): 100 concurrent clients on one key against one hard calendar budget,
// spread over three collectors' budget paths that share the real grantor (its book in chDB).
// Reports overshoot, budget left unused while requests were refused, and the budget check's
// added p99 latency beside the same loop without budgets (steady phase: a budget far from its
// limit; the exhausting phase's p99, which includes grantor round trips, is reported apart).
// Prints one JSON object.

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    'limit-usd': { type: 'string', default: '0.05' },
    'renew-ms': { type: 'string', default: '500' },
    'hold-ms': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(values.clients);
const LIMIT_NANO = Math.round(Number(values['limit-usd']) * 1e9);
const HOLD_MS = Number(values['hold-ms']);
const REPLICAS = 3;

const dir = mkdtempSync(join(tmpdir(), 'switchyard-budget-bench-'));
const client = createClickHouse({ kind: 'embedded', path: dir });
await migrate(client);
const budget = calendarBudgetSchema.parse({ id: 'attack', scope: 'key', period: 'month', limit_usd: values['limit-usd'] });
await writeBudget(client, budget, 'api', 'bench', systemClock.now());
const grantor = new BudgetGrantor(client, clientRows(client), systemClock);
const replicas = Array.from({ length: REPLICAS }, (_, i) =>
  startReplica(`r${i}`, [budget], { renew: (c, r) => grantor.renew(c, r) }, { renewMs: Number(values['renew-ms']) }),
);
for (const r of replicas) await r.client.renewNow();

// Worst cases between $0.0002 and $0.0006; the provider bills 30–90 % of it.
let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
let spentNano = 0;
let inFlightNano = 0;
let maxWorstNano = 0;
let served = 0;
let refused = 0;
let leftAtRefusalNano = 0;
const checkUs: number[] = [];
const baselineUs: number[] = [];
const noBudgets = new BudgetGate(new BudgetLedger([]), systemClock);

async function attack(n: number): Promise<void> {
  const replica = replicas[n % REPLICAS]!;
  for (let consecutiveRefusals = 0; consecutiveRefusals < 3;) {
    const worst = Math.round(200_000 + random() * 400_000);
    maxWorstNano = Math.max(maxWorstNano, worst);
    // Baseline: what the dispatcher does when no budget applies (it asks, then skips the gate).
    const b0 = performance.now();
    noBudgets.applies(attackTags);
    baselineUs.push((performance.now() - b0) * 1000);
    const t0 = performance.now();
    try {
      const a = await replica.gate.admit(attackTags, [{ deployment: 'd', worstCaseNano: worst }], new AbortController().signal, Date.now() + 60_000);
      checkUs.push((performance.now() - t0) * 1000);
      inFlightNano += worst;
      await new Promise((r) => setTimeout(r, HOLD_MS));
      const actual = Math.round(worst * (0.3 + 0.6 * random()));
      replica.gate.settle(a.reservation, actual);
      inFlightNano -= worst;
      spentNano += actual;
      served++;
      consecutiveRefusals = 0;
    } catch (err) {
      if (!(err instanceof BudgetRejected)) throw err;
      checkUs.push((performance.now() - t0) * 1000);
      refused++;
      consecutiveRefusals++;
      // Budget nobody spends or holds while this request is refused.
      leftAtRefusalNano = Math.max(leftAtRefusalNano, LIMIT_NANO - spentNano - inFlightNano - worst);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CLIENTS }, (_, n) => attack(n)));
for (const r of replicas) await r.stop();
const exhaustingCheckUs = checkUs.splice(0);
baselineUs.splice(0);

// Steady state: the same clients and replicas under a budget far from exhausted, so checks are
// local (the lease renews in the background). This is the added latency on the request path.
const roomy = calendarBudgetSchema.parse({ id: 'roomy', scope: 'key', period: 'month', limit_usd: '1000' });
await writeBudget(client, budget, 'api', 'bench', systemClock.now(), true);
await writeBudget(client, roomy, 'api', 'bench', systemClock.now());
grantor.invalidate();
const steady = Array.from({ length: REPLICAS }, (_, i) =>
  startReplica(`s${i}`, [roomy], { renew: (c, r) => grantor.renew(c, r) }, { renewMs: Number(values['renew-ms']) }),
);
for (const r of steady) await r.client.renewNow();
let waited = 0;
async function steadyClient(n: number): Promise<void> {
  const replica = steady[n % REPLICAS]!;
  for (let i = 0; i < 30; i++) {
    const b0 = performance.now();
    noBudgets.applies(attackTags);
    baselineUs.push((performance.now() - b0) * 1000);
    const t0 = performance.now();
    const a = await replica.gate.admit(attackTags, [{ deployment: 'd', worstCaseNano: 400_000 }], new AbortController().signal, Date.now() + 60_000);
    // The first two rounds are the cold start: a replica has no lease before its first request.
    if (i >= 2) checkUs.push((performance.now() - t0) * 1000);
    if (i >= 2 && a.budget.delay_ms > 0) waited++;
    else baselineUs.pop();
    await new Promise((r) => setTimeout(r, HOLD_MS));
    replica.gate.settle(a.reservation, 200_000);
  }
}
await Promise.all(Array.from({ length: CLIENTS }, (_, n) => steadyClient(n)));
for (const r of steady) await r.stop();
await client.close();
rmSync(dir, { recursive: true, force: true });

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
const overshootNano = Math.max(0, spentNano - LIMIT_NANO);
const report = {
  clients: CLIENTS,
  replicas: REPLICAS,
  limit_usd: LIMIT_NANO / 1e9,
  spent_usd: spentNano / 1e9,
  served,
  refused,
  overshoot_usd: overshootNano / 1e9,
  overshoot_requests_per_replica: overshootNano / maxWorstNano / REPLICAS,
  // Every client stops after three refusals in a row, so what is left at the end was left while
  // all of them were being refused: budget stranded in leases or unleased.
  refused_while_budget_left_usd: Math.max(0, LIMIT_NANO - spentNano) / 1e9,
  // The most ever left (neither spent nor held by a request in flight) at any single refusal: early
  // in the burst a replica can be refused while its peers still hold fresh leases.
  max_left_at_a_refusal_usd: Math.max(0, leftAtRefusalNano) / 1e9,
  max_request_worst_case_usd: maxWorstNano / 1e9,
  budget_check_added_p99_us: Math.round(p99(checkUs) - p99(baselineUs)),
  // While the budget runs out, a short lease makes the request wait for one grantor round trip.
  budget_check_p99_while_exhausting_us: Math.round(p99(exhaustingCheckUs)),
  steady_checks_waiting_for_grantor: waited,
  duration_s: Math.round(performance.now() - started) / 1000,
};
console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
