import type { Meter } from '@opentelemetry/api';
import { resolveAuthMode } from '../api/auth/auth-mode.ts';
import { createApiService } from '../api/api-server.ts';
import { createClickHouse, describeTarget } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { systemClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { consoleRoute } from '../dashboards/console/console-route.ts';
import { createIngestService } from '../ingest/ingest-service.ts';
import { startAlerting } from '../policy/alerts/start-alerting.ts';
import { BudgetEvaluator } from '../policy/budgets/budget-evaluator.ts';
import { syncRouteBudgets } from '../policy/budgets/budget-store.ts';
import { PolicyService } from '../policy/policy-service.ts';
import { clientRows } from '../policy/row-reader.ts';
import { startWeeklyReports } from '../policy/weekly-report/report-service.ts';
import type { Pipeline, PipelineOptions, ServiceName } from './pipeline.ts';
import { closeServer, listen } from './server-lifecycle.ts';
import type { Transport } from './transport.ts';

// Storage, API and policy of the pipeline: ClickHouse (chDB or a server), migrations, the GraphQL
// API, ingest and the policy loops. startPipeline imports this module only when one of them runs
// here, so the collector process of `switchyard all` never loads chDB, GraphQL or policy code.

/** Starts ClickHouse (migrated), then the API, ingest and policy among `o.services`; registers each stop on `stops` (run in reverse). */
export async function startStorageServices(
  o: PipelineOptions,
  p: Pipeline,
  transport: Transport,
  stops: Array<() => Promise<void>>,
  meter: Meter,
): Promise<void> {
  const has = (s: ServiceName) => o.services.has(s);
  if (has('ingest') || has('policy') || has('api')) {
    if (!o.clickhouse) throw new ConfigError('ingest, policy and api need ClickHouse: set CLICKHOUSE_URL, or SWITCHYARD_DATA for the embedded store');
    const clickhouse = createClickHouse(o.clickhouse);
    stops.push(() => clickhouse.close());
    await migrate(clickhouse, { rawTtlDays: o.rawTtlDays, cluster: o.cluster, sequentialPartRemoval: o.clickhouse.kind === 'embedded' });
    p.clickhouse = clickhouse;
    // The routes file's calendar budgets become the stored ones the grantor and the API read.
    if ((has('policy') || has('api')) && o.routes?.budgets.calendar)
      await syncRouteBudgets(clickhouse, clientRows(clickhouse), o.routes.budgets.calendar, systemClock.now());
    o.log(`storage: ${describeTarget(o.clickhouse)}`);
  }
  if (has('api')) {
    const api = await createApiService({
      clickhouse: p.clickhouse!,
      auth: resolveAuthMode({ tokensFile: o.apiTokensFile, host: o.host, log: o.log }),
      log: o.log,
      routes: [consoleRoute],
      embedded: o.clickhouse!.kind === 'embedded',
    });
    stops.push(() => api.stop());
    const server = api.server;
    const port = await listen(server, o.host, o.apiPort, 'SWITCHYARD_API_PORT');
    stops.push(() => closeServer(server));
    p.apiUrl = `http://${o.host}:${port}/graphql`;
  }
  if (has('ingest')) {
    const subscriber = transport.subscriber();
    p.ingest = createIngestService({
      subscriber,
      clickhouse: p.clickhouse!,
      source: transport.source,
      maxRows: o.ingestMaxRows,
      deadLetters: transport.deadLetters?.(),
      meter,
      stallMs: o.ingestStallMs,
      log: o.log,
    });
    await p.ingest.start();
    stops.push(() => p.ingest!.stop());
  }
  if (has('policy')) {
    p.policy = new PolicyService({ clickhouse: p.clickhouse!, routes: o.routes, intervalMs: o.policyIntervalMs, windowMs: o.policyWindowMs, log: o.log });
    p.policy.start();
    stops.push(() => p.policy!.stop());
    const budgetEvaluator = new BudgetEvaluator({ client: p.clickhouse!, clock: systemClock, log: o.log });
    budgetEvaluator.start();
    stops.push(() => budgetEvaluator.stop());
    // Last week's report to SWITCHYARD_REPORT_DIR and its summary to the alerts receivers (unset: off).
    const reports = startWeeklyReports({ clickhouse: p.clickhouse!, env: o.providerEnv, routes: o.routes, clock: systemClock, log: o.log });
    if (reports) stops.push(() => reports.stop());
    // Alert rules over the rollups and their notifications (routes file `alerts:` section).
    const alerting = await startAlerting({
      clickhouse: p.clickhouse!,
      section: o.routes?.alerts,
      env: o.providerEnv,
      meter,
      clock: systemClock,
      log: o.log,
    });
    stops.push(() => alerting.stop());
  }
}
