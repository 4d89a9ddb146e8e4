import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApiService } from '../api/api-server.ts';
import { consoleRoute } from '../dashboards/console/console-route.ts';
import { resolveAuthMode } from '../api/auth/auth-mode.ts';
import { createCollectorServer } from '../collector/http/collector-server.ts';
import { KeyRing } from '../collector/http/key-ring.ts';
import { createBudgets } from '../collector/budget/budget-gate.ts';
import { BudgetHeaders } from '../collector/budget/budget-headers.ts';
import { startBudgetLeases } from '../collector/budget/budget-leases.ts';
import { graphqlLeaseSource } from '../collector/budget/graphql-lease-source.ts';
import { inProcessLeaseSource } from '../policy/budgets/grantor-registry.ts';
import { syncRouteBudgets } from '../policy/budgets/budget-store.ts';
import { BudgetEvaluator } from '../policy/budgets/budget-evaluator.ts';
import { clientRows } from '../policy/row-reader.ts';
import { hostname } from 'node:os';
import { systemClock } from '../core/clock.ts';
import { RoutesReloader } from '../collector/config/routes-reloader.ts';
import { settingsNeedingRestart } from '../collector/config/setting-changes.ts';
import type { BreakerState } from '../collector/resilience/deployment-breakers.ts';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { ParityHooks } from '../collector/parity/parity-hooks.ts';
import { clickHouseRoutesAuditSink, RoutesAudit, type RoutesAuditSink } from '../collector/audit/routes-audit.ts';
import { startWeeklyReports } from '../policy/weekly-report/report-service.ts';
import { composeDispatch } from '../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable } from '../collector/dispatch/route-table.ts';
import { createUpstreamPool } from '../collector/providers/upstream-pool.ts';
import { RoutingWeights } from '../collector/routing/routing-weights.ts';
import { WeightsPoller } from '../collector/routing/weights-poller.ts';
import { createClickHouse, describeTarget, type ClickHouseClient, type ClickHouseTarget } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { ConfigError } from '../core/errors.ts';
import { ATTEMPT_TOPIC } from '../core/events/attempt-event.ts';
import { countingPublisher, type EmittedCounts } from '../core/transport/counting-publisher.ts';
import type { AttemptPublisher, AttemptSubscriber, DeadLetterSink } from '../core/transport/event-bus.ts';
import { InProcessAttemptBus } from '../core/transport/in-process-bus.ts';
import type { EmissionLimits } from '../core/transport/emission-limits.ts';
import { createEmissionMetrics } from '../core/telemetry/emission-metrics.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber, createKafkaDeadLetterSink } from '../core/transport/kafka-bus.ts';
import { createIngestService, type IngestService } from '../ingest/ingest-service.ts';
import type { Meter } from '@opentelemetry/api';
import { createCollectorMetrics } from '../collector/telemetry/collector-metrics.ts';
import { PolicyService } from '../policy/policy-service.ts';
import { startAlerting } from '../policy/alerts/start-alerting.ts';
import { createOpsServer, type HealthReport } from '../core/ops/ops-server.ts';
import { createMetrics, type Metrics } from '../core/telemetry/metrics.ts';
import { withStorageMetrics } from './storage-process/storage-metrics.ts';

export const serviceNames = ['collector', 'ingest', 'policy', 'api'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface PipelineOptions {
  services: ReadonlySet<ServiceName>;
  host: string;
  collectorPort: number;
  apiPort: number;
  /** Required when the collector runs. */
  routes?: RoutesConfig;
  /** The file `routes` came from: watched and hot-reloaded when set. */
  routesFile?: string;
  /** Where provider keys are looked up (api_key_env). */
  providerEnv: Record<string, string | undefined>;
  /** Required when ingest, policy or api run. */
  clickhouse?: ClickHouseTarget;
  /** Where emission spools events past the memory bound (Kafka here; the embedded transport in its embedded/ subfolder). */
  spoolDir?: string;
  /** Events in memory before they spill to the spool, and the spool's bounds (SWITCHYARD_EVENTS_MEMORY_MAX, SWITCHYARD_SPOOL_MAX_*). */
  emission?: EmissionLimits;
  /** Brokers; absent means the embedded in-process transport (collector and ingest in this process). */
  kafka?: { brokers: string[]; groupId: string; topic?: string };
  /** A transport built by the caller (the storage process of `switchyard all`: events over IPC); wins over `kafka`. */
  transport?: Transport;
  /** GraphQL endpoint for weights; defaults to this process's API when it runs here. */
  apiUrl?: string;
  /** API tokens file (hashed tokens and roles); unset: open API, loopback only. */
  apiTokensFile?: string;
  /** Service-role token the collector sends to the API for weights. */
  apiToken?: string;
  weightsPollMs: number;
  /** Stable id of this collector for budget leases (SWITCHYARD_COLLECTOR_ID); default host:port. */
  collectorId?: string;
  /** Budget lease renewal interval, ms (default 2000). */
  budgetRenewMs?: number;
  /** Days raw attempts are kept; unset keeps them forever. */
  rawTtlDays?: number;
  /** Migrate ON CLUSTER with replicated engines. */
  cluster?: string;
  /** Port of /metrics, /healthz, /readyz; unset: no ops server. */
  opsPort?: number;
  /** Storage in another process (`switchyard all`'s storage process): where reload audit entries go and who else applies a reload, and its health on this /healthz. */
  storage?: {
    auditSink: RoutesAuditSink;
    applyRoutes(config: RoutesConfig): void;
    health(): Promise<HealthReport>;
    /** Its Prometheus text, served after this process's own on /metrics. */
    metricsText(): Promise<string>;
  };
  /** Ingest is unhealthy when a partition has lag and no progress this long, ms. */
  ingestStallMs?: number;
  /** Rows per ClickHouse insert at most (default 10,000). */
  ingestMaxRows?: number;
  policyIntervalMs: number;
  policyWindowMs: number;
  log: (message: string) => void;
}

export interface Pipeline {
  collectorUrl: string | null;
  /** Base URL of the ops server (/metrics, /healthz). */
  opsUrl: string | null;
  apiUrl: string | null;
  clickhouse: ClickHouseClient | null;
  publisher: AttemptPublisher | null;
  /** Attempts the collector emitted since start. */
  emitted: EmittedCounts | null;
  ingest: IngestService | null;
  policy: PolicyService | null;
  weights: RoutingWeights | null;
  poller: WeightsPoller | null;
  /** This process's metrics (/metrics of its ops server). */
  metrics: Metrics | null;
  /** Stops in dependency order: intake, drain events, writers, clients. Idempotent. */
  stop(): Promise<void>;
}

/** The composition root: every client is built here and passed down; nothing else picks an implementation. */
export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const has = (s: ServiceName) => o.services.has(s);
  const stops: Array<() => Promise<void>> = [];
  const p: Pipeline = {
    collectorUrl: null,
    opsUrl: null,
    apiUrl: null,
    clickhouse: null,
    publisher: null,
    emitted: null,
    ingest: null,
    policy: null,
    weights: null,
    poller: null,
    metrics: null,
    stop: async () => {},
  };
  let stopping: Promise<void> | null = null;
  p.stop = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) await stop().catch((err: unknown) => o.log(`shutdown: ${(err as Error).message}`));
    })());

  try {
    const transport = o.transport ?? chooseTransport(o);
    const metrics = createMetrics();
    p.metrics = metrics;
    stops.push(() => metrics.shutdown());
    if (has('ingest') || has('policy') || has('api')) {
      if (!o.clickhouse) throw new ConfigError('ingest, policy and api need ClickHouse: set CLICKHOUSE_URL, or SWITCHYARD_DATA for the embedded store');
      const clickhouse = createClickHouse(o.clickhouse);
      stops.push(() => clickhouse.close());
      await migrate(clickhouse, { rawTtlDays: o.rawTtlDays, cluster: o.cluster });
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
      const port = await listen(server, o.host, o.apiPort);
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
        meter: metrics.meter,
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
        meter: metrics.meter,
        clock: systemClock,
        log: o.log,
      });
      stops.push(() => alerting.stop());
    }
    if (has('collector')) await startCollector(o, p, transport, stops, metrics.meter);
    if (o.opsPort !== undefined) {
      const health = async (): Promise<HealthReport> => (p.ingest ? p.ingest.health() : (o.storage?.health() ?? { ok: true, checks: {} }));
      const ops = createOpsServer({ metrics: o.storage ? withStorageMetrics(metrics, o.storage.metricsText) : metrics, health });
      const port = await listen(ops, o.host, o.opsPort);
      // Closed first on shutdown, registered last.
      stops.push(() => closeServer(ops));
      p.opsUrl = `http://${o.host}:${port}`;
    }
    return p;
  } catch (err) {
    await p.stop();
    throw err;
  }
}

async function startCollector(o: PipelineOptions, p: Pipeline, transport: Transport, stops: Array<() => Promise<void>>, meter: Meter): Promise<void> {
  if (!o.routes) throw new ConfigError('the collector needs routes: set SWITCHYARD_CONFIG to a routes file');
  // Provider connections: registered first so they close last, after the server and shadow calls drained.
  const upstream = createUpstreamPool();
  stops.push(() => upstream.close());
  const routeTable = buildRouteTable(o.routes, o.providerEnv, upstream);
  const { publisher, counts } = countingPublisher(transport.publisher());
  // Emission counters on /metrics; the gate answers 503 while not even the disk spool can take events.
  const emissionGate = createEmissionMetrics(meter, () => publisher.emission?.() ?? null);
  p.emitted = counts;
  // Registered before the server so that, stopping in reverse, the server closes first and the publisher drains after.
  stops.push(() => publisher.close());
  p.publisher = publisher;
  p.weights = new RoutingWeights();
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
  // Calendar budgets (budgets.calendar in the routes file, even empty): leases from the grantor, over the API or in this process.
  const leases =
    o.routes.budgets.calendar === undefined
      ? undefined
      : startBudgetLeases({
          budgets: o.routes.budgets.calendar,
          source: o.apiUrl || !p.clickhouse ? graphqlLeaseSource(apiUrl ?? '', o.apiToken) : inProcessLeaseSource(p.clickhouse, systemClock),
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
  const { dispatcher, chat } = composeDispatch({
    config: o.routes,
    routes: routeTable,
    onAttempt: (event) => metrics.attemptEnded(event),
    weights: p.weights,
    onCircuitChange: (deployment, state) => {
      circuits.set(deployment, state);
      p.poller?.circuitChanged(deployment, state); // reported to the policy: Availability's circuit-open time
      o.log(`collector: circuit ${state} for deployment ${deployment}`);
    },
    publisher,
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
        if (p.clickhouse && config.budgets.calendar)
          void syncRouteBudgets(p.clickhouse, clientRows(p.clickhouse), config.budgets.calendar, systemClock.now()).catch((err: unknown) =>
            o.log(`budgets: storing the reloaded routes-file budgets failed: ${(err as Error).message}`),
          );
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
  const port = await listen(server, o.host, o.collectorPort);
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

/** How events travel from collector to ingest, and the name ingest stores as their source (its dedup key with the offset). */
export interface Transport {
  source: string;
  publisher(): AttemptPublisher;
  subscriber(): AttemptSubscriber;
  /** Kafka only: the embedded transport keeps rejected messages in `rejected_events` alone. */
  deadLetters?(): DeadLetterSink;
}

function chooseTransport(o: PipelineOptions): Transport {
  if (o.kafka) {
    const { brokers, groupId } = o.kafka;
    const topic = o.kafka.topic ?? ATTEMPT_TOPIC;
    return {
      source: topic,
      publisher: () =>
        createKafkaAttemptPublisher({
          brokers,
          topic,
          clientId: 'switchyard-collector',
          spoolDir: o.spoolDir,
          maxBuffered: o.emission?.memoryEvents,
          spoolLimits: o.emission?.spool,
          logger: o.log,
        }),
      subscriber: () => createKafkaAttemptSubscriber({ brokers, topic, groupId, clientId: 'switchyard-ingest', fromBeginning: true, logger: o.log }),
      deadLetters: () => createKafkaDeadLetterSink({ brokers, topic, clientId: 'switchyard-ingest-dlq', logger: o.log }),
    };
  }
  if (o.services.has('collector') !== o.services.has('ingest')) {
    throw new ConfigError(
      'without KAFKA_BROKERS, events are handed over in-process, so collector and ingest must run in the same process (e.g. `switchyard all`)',
    );
  }
  // Its own spool folder: Kafka segments in SWITCHYARD_DATA/spool stay for a later Kafka run.
  const bus = new InProcessAttemptBus({
    spoolDir: o.spoolDir ? join(o.spoolDir, 'embedded') : undefined,
    maxBuffered: o.emission?.memoryEvents,
    spoolLimits: o.emission?.spool,
    log: o.log,
  });
  // Offsets of the embedded bus restart with each process, so its dedup source must be unique per process.
  return { source: `in-process:${crypto.randomUUID()}`, publisher: () => bus.publisher, subscriber: () => bus.subscriber };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError(`port ${port} on ${host} is already in use; choose another with SWITCHYARD_PORT / SWITCHYARD_API_PORT`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Stops intake and waits for requests in flight. Keep-alive clients under steady load would keep
 * their connections busy forever, so every response from now on closes its connection, and
 * after `graceMs` whatever is left is cut.
 */
function closeServer(server: Server, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
