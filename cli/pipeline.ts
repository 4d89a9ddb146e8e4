import type { RoutesAuditSink } from '../collector/audit/routes-audit.ts';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import type { RoutingWeights } from '../collector/routing/routing-weights.ts';
import type { WeightsPoller } from '../collector/routing/weights-poller.ts';
import type { ClickHouseClient, ClickHouseTarget } from '../core/clickhouse/client.ts';
import { createOpsServer, type HealthReport } from '../core/ops/ops-server.ts';
import type { EmissionLimits } from '../core/transport/emission-limits.ts';
import type { EmittedCounts } from '../core/transport/counting-publisher.ts';
import type { AttemptPublisher } from '../core/transport/event-bus.ts';
import { createMetrics, type Metrics } from '../core/telemetry/metrics.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { startCollector } from './collector-service.ts';
import { closeServer, listen } from './server-lifecycle.ts';
import { withStorageMetrics } from './storage-process/storage-metrics.ts';
import { chooseTransport, type Transport } from './transport.ts';

export type { Transport } from './transport.ts';

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
  kafka?: { brokers: string[]; groupId: string; topic?: string; producerOn?: 'thread' | 'main' };
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
    /** True once it serves (migrated, API listening): until then /readyz here answers 503, so nobody queries an API that is not there yet. */
    ready(): boolean;
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
    const transport = o.transport ?? (await chooseTransport(o));
    const metrics = createMetrics();
    p.metrics = metrics;
    stops.push(() => metrics.shutdown());
    // Loaded only when a storage service runs here: chDB, GraphQL and policy stay out of a collector-only process.
    if (has('ingest') || has('policy') || has('api')) await (await import('./storage-services.ts')).startStorageServices(o, p, transport, stops, metrics.meter);
    if (has('collector')) await startCollector(o, p, transport, stops, metrics.meter);
    if (o.opsPort !== undefined) {
      const health = async (): Promise<HealthReport> => (p.ingest ? p.ingest.health() : (o.storage?.health() ?? { ok: true, checks: {} }));
      const ops = createOpsServer({ metrics: o.storage ? withStorageMetrics(metrics, o.storage.metricsText) : metrics, health, ready: o.storage?.ready });
      const port = await listen(ops, o.host, o.opsPort, 'SWITCHYARD_OPS_PORT');
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
