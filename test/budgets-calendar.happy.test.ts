import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes } from '../cli/default-routes.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { startBudgetPipeline } from './support/budget-pipeline.ts';
import { graphql } from './support/spine-scenario.ts';
import { until } from './support/wait.ts';

// `switchyard all` with a calendar budget from the routes file: the in-process grantor leases it,
// a request whose preferred deployment does not fit is served by a cheaper one (every time, so
// identical requests get the same answer), a request that can never fit is refused naming the
// budget and recorded without a deployment, and the API shows spend, limit and status.

test('calendar budget end to end in one process: budget-aware choice, refusal by name, GraphQL budgets', { timeout: 300_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-budget-all-'));
  const sim = await startSimulator({ seed: 3 });
  const base = simulatedRoutes((u, k) => sim.baseUrl(u, k));
  // Priority order: Anthropic (Haiku) first, Gemini Flash cheaper and last.
  const deployments = [base.routes[0]!.deployments[1]!, base.routes[0]!.deployments[2]!];
  const routes = parseRoutesConfig({
    routes: [{ name: 'chat', strategy: 'priority', deployments }],
    budgets: {
      default_max_tokens: 100,
      calendar: [{ id: 'payments-month', scope: 'team', match: 'payments', period: 'month', time_zone: 'Europe/Berlin', limit_usd: '0.0003' }],
    },
  });
  const p = await startBudgetPipeline(routes, data);
  try {
    const ask = (maxTokens: number) =>
      fetch(`${p.collectorUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-pay', 'x-switchyard-team': 'payments' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'what does this cost?' }], max_tokens: maxTokens }),
      });
    // Haiku's worst case for 100 output tokens (~$0.00042) never fits $0.0003; Flash's does.
    for (let i = 0; i < 3; i++) {
      const r = await ask(100);
      assert.equal(r.status, 200, await r.text());
    }
    const never = await ask(5000);
    assert.equal(never.status, 400);
    const body = (await never.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'budget_exceeds_capacity');
    assert.match(body.error.message, /budget:payments-month:payments/);

    type Row = { deployment: string; status: string; decision: string; limited_by: string };
    const rows = await until(
      'four attempts stored',
      async () => {
        const found = await (
          await p.clickhouse!.query({
            query:
              "SELECT deployment, status, budget_decision AS decision, budget_limited_by AS limited_by FROM attempts WHERE team = 'payments' ORDER BY started_at",
            format: 'JSONEachRow',
          })
        ).json<Row>();
        return found.length >= 4 ? found : null;
      },
      60_000,
    );
    assert.deepEqual(
      rows.slice(0, 3).map((r) => [r.deployment, r.decision, r.limited_by]),
      Array(3).fill(['gemini-backup', 'downgrade', 'budget:payments-month:payments']),
    );
    assert.deepEqual([rows[3]!.deployment, rows[3]!.status, rows[3]!.decision], ['-', 'rejected', 'reject'], 'the refusal names no deployment');
    assert.equal(sim.stats('sim-anthropic').requests, 0, 'the dearer deployment was never called');

    type Budgets = {
      budgets: Array<{ id: string; subject: string; limit: string; spent: string; remaining: string; status: string; timeZone: string; periodStart: string }>;
    };
    const b = await until(
      'the rollup to show the spend',
      async () => {
        const r = await graphql<Budgets>(p.apiUrl!, '{ budgets { id subject limit spent remaining status timeZone periodStart } }');
        return r.budgets.find((x) => x.id === 'payments-month' && Number(x.spent) > 0) ? r : null;
      },
      60_000,
    );
    const row = b.budgets.find((x) => x.id === 'payments-month')!;
    assert.equal(row.subject, 'payments');
    assert.equal(row.limit, '0.000300000');
    assert.equal(row.timeZone, 'Europe/Berlin');
    assert.ok(Number(row.spent) <= 0.0003 && Number(row.remaining) > 0, JSON.stringify(row));
  } finally {
    await p.stop();
    await sim.close();
    rmSync(data, { recursive: true, force: true });
  }
});
