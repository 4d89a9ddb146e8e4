import { hostname } from 'node:os';
import type { Meter } from '@opentelemetry/api';
import { clickHouseRoutesAuditSink, RoutesAudit } from '../collector/audit/routes-audit.ts';
import { createBudgets } from '../collector/budget/budget-gate.ts';
import { BudgetHeaders } from '../collector/budget/budget-headers.ts';
import { startBudgetLeases } from '../collector/budget/budget-leases.ts';
import { graphqlLeaseSource } from '../collector/budget/graphql-lease-source.ts';
import { RoutesReloader } from '../collector/config/routes-reloader.ts';
import { settingsNeedingRestart } from '../collector/config/setting-changes.ts';
import { composeDispatch } from '../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable } from '../collector/dispatch/route-table.ts';
import { createCollectorServer } from '../collector/http/collector-server.ts';
import { KeyRing } from '../collector/http/key-ring.ts';
import { ParityHooks } from '../collector/parity/parity-hooks.ts';
import { createUpstreamPool } from '../collector/providers/upstream-pool.ts';
import type { BreakerState } from '../collector/resilience/deployment-breakers.ts';
import { RoutingWeights } from '../collector/routing/routing-weights.ts';
import { WeightsPoller } from '../collector/routing/weights-poller.ts';
import { createCollectorMetrics } from '../collector/telemetry/collector-metrics.ts';
import { systemClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { createEmissionMetrics } from '../core/telemetry/emission-metrics.ts';
import { countingPublisher } from '../core/transport/counting-publisher.ts';
import type { Pipeline, PipelineOptions } from './pipeline.ts';
import { closeServer, listen } from './server-lifecycle.ts';
import { credentialAlarm } from '../collector/telemetry/credential-alarm.ts';
import { AfterAnswer } from '../collector/dispatch/after-answer.ts';
import type { Transport } from './transport.ts';

// The collector of the pipeline: everything the request path needs and nothing of storage, API or
// policy (those load only where they run: cli/storage-services.ts, cli/in-process-storage.ts).

/** Starts the collector's HTTP server and what it needs; registers each stop on `stops` (run in reverse). */
export async function startCollector(o: PipelineOptions, p: Pipeline, transport: Transport, stops: Array<() => Promise<void>>, meter: Meter): Promise<void> {
  if (!o.routes) throw new ConfigError('the collector needs routes: set SWITCHYARD_CONFIG to a routes file');
  // Provider connections: registered first so they close last, after the server and shadow calls drained.
  const upstream = createUpstreamPool();
  stops.push(() => upstream.close());
  const routeTable = buildRouteTable(o.routes, o.providerEnv, upstream);
  // Attempt events are built and published once their answer is out; a flush or close of the publisher publishes what is pending first.
  const afterAnswer = new AfterAnswer(o.log);
  const { publisher, counts } = countingPublisher(transport.publisher(), () => afterAnswer.flush());
  // Emission counters on /metrics; the gate answers 503 while not even the disk spool can take events.
  const emissionGate = createEmissionMetrics(meter, () => publisher.emission?.() ?? null);
  p.emitted = counts;
  // Registered before the server so that, stopping in reverse, the server closes first and the publisher drains after.
  stops.push(() => publisher.close());
  p.publisher = publisher;
  p.weights = new RoutingWeights();
  // Storage in this process: the grantor and budget store are called directly (loaded only then).
  const local = p.clickhouse ? (await import('./in-process-storage.ts')).inProcessStorage(p.clickhouse) : null;
  // The route table in force: replaced by each reload, read by the poller and the circuit gauge.
  let table = routeTable;
  const apiUrl = o.apiUrl ?? p.apiUrl;
  if (apiUrl) {
    p.poller = new WeightsPoller({
      apiUrl,
      token: o.apiToken,
      routes: () => [...table.keys()],
      weights: p.weights,
      intervalMs: o.weightsPollMs,
      meter,
      log: o.log,
    });
    p.poller.start();
    stops.push(() => p.poller!.stop());
  } else {
    o.log(
      'collector: no policy source (SWITCHYARD_API_URL unset and no API in this process): routing uses the configured weights only, without policy weights',
    );
  }
  // Calendar budgets: leases whenever a grantor is known (the API of `switchyard all` or SWITCHYARD_API_URL, or storage in
  // this process), so a budget created through GraphQL is enforced without a routes file; otherwise only when the routes
  // file has budgets.calendar. A fresh-user trial found GraphQL budgets on the default start limiting nothing.
  const leases =
    o.routes.budgets.calendar === undefined && !apiUrl && !local
      ? undefined
      : startBudgetLeases({
          budgets: o.routes.budgets.calendar ?? [],
          source: o.apiUrl || !local ? graphqlLeaseSource(apiUrl ?? '', o.apiToken) : local.leaseSource,
          collectorId: o.collectorId ?? `${hostname()}:${o.collectorPort}`,
          clock: systemClock,
          renewMs: o.budgetRenewMs,
          meter,
          log: o.log,
        });
  if (leases) stops.push(() => leases.client.stop());
  // Circuit states as the dispatcher reports them (keyed route/deployment), for every deployment of the running table.
  const circuits = new Map<string, BreakerState>();
  const metrics = createCollectorMetrics(meter, () =>
    [...table.values()].flatMap((r) =>
      r.deployments.map((d) => ({ route: r.config.name, deployment: d.config.name, state: circuits.get(`${r.config.name}/${d.config.name}`) ?? 'closed' })),
    ),
  );
  const budgets = createBudgets(o.routes.budgets, systemClock, leases);
  const budgetHeaders = new BudgetHeaders({ rolling: budgets.ledger, calendar: leases?.ledger ?? null }, systemClock, o.routes);
  const parity = ParityHooks.withShadow(publisher);
  stops.push(() => parity.drain());
  const credentialsRefused = credentialAlarm(o.log, systemClock);
  const { dispatcher, chat } = composeDispatch({
    config: o.routes,
    routes: routeTable,
    onAttempt: (event) => {
      metrics.attemptEnded(event);
      credentialsRefused(event);
    },
    weights: p.weights,
    onCircuitChange: (deployment, state) => {
      circuits.set(deployment, state);
      p.poller?.circuitChanged(deployment, state); // reported to the policy: Availability's circuit-open time
      o.log(`collector: circuit ${state} for deployment ${deployment}`);
    },
    publisher,
    afterAnswer,
    budgets,
    parity,
  });
  const routeNames = () => dispatcher.routeNames();
  const keys = new KeyRing(o.routes.keys);
  const server = createCollectorServer({
    chat,
    routeNames,
    keys,
    onOverhead: (ms) => metrics.overhead(ms),
    emissionRefusal: () => emissionGate.check(),
    budgetHeaders: (route, tags) => budgetHeaders.for(route, tags),
    links: apiUrl ? { graphql: apiUrl, console: new URL('/console/', apiUrl).href } : {},
    ready: o.storage?.ready,
    log: o.log,
  });
  if (o.routesFile) {
    let running = o.routes;
    const audit = new RoutesAudit({
      file: o.routesFile,
      initial: o.routes,
      sink: o.storage?.auditSink ?? (p.clickhouse ? clickHouseRoutesAuditSink(p.clickhouse) : async (e) => o.log(`audit: ${JSON.stringify(e)}`)),
      log: o.log,
    });
    const reloader = new RoutesReloader(
      o.routesFile,
      (config) => {
        // Build first: a missing key or unpriced model refuses the whole reload.
        const next = buildRouteTable(config, o.providerEnv, upstream);
        dispatcher.reconfigure(next, config.retry, config.budgets);
        leases?.ledger.setFileBudgets(config.budgets.calendar ?? []);
        budgetHeaders.reconfigure(config);
        if (local && config.budgets.calendar)
          void local
            .syncBudgets(config.budgets.calendar)
            .catch((err: unknown) => o.log(`budgets: storing the reloaded routes-file budgets failed: ${(err as Error).message}`));
        table = next;
        keys.replace(config.keys);
        p.policy?.setRoutes(config);
        o.storage?.applyRoutes(config);
        const restart = settingsNeedingRestart(running, config, LIVE_ON_RELOAD);
        running = config;
        if (restart.length > 0) o.log(`collector: routes reload: changed settings that apply only after a restart: ${restart.join(', ')}`);
      },
      o.log,
      // The audit logs its own write failures and never rejects: a reload does not wait for its row.
      (result) => void audit.observe(result),
    );
    reloader.start();
    stops.push(async () => reloader.stop());
  }
  const port = await listen(server, o.host, o.collectorPort, 'SWITCHYARD_PORT');
  stops.push(() => closeServer(server));
  p.collectorUrl = `http://${o.host}:${port}/v1`;
}

/** Routes-file settings the reload above applies to the running collector; any other change is named as needing a restart. */
const LIVE_ON_RELOAD = [
  'keys',
  'routes',
  'retry',
  'default_price',
  'budgets.limits',
  'budgets.default_max_tokens',
  'budgets.calendar',
  'budgets.headers',
] as const;
