import { clickHouseRoutesAuditSink } from '../../collector/audit/routes-audit.ts';
import { loadRoutesConfig, parseRoutesConfig, type RoutesConfig } from '../../collector/config/routes-config.ts';
import { parseEnv } from '../../core/config/env.ts';
import { ConfigError } from '../../core/errors.ts';
import { systemClock } from '../../core/clock.ts';
import { startTelemetry } from '../../core/telemetry/otel.ts';
import { ipcAttemptSubscriber } from '../../core/transport/ipc-link.ts';
import { describeErrorSafely } from '../../core/transport/safe-error.ts';
import { syncRouteBudgets } from '../../policy/budgets/budget-store.ts';
import { clientRows } from '../../policy/row-reader.ts';
import { pipelineSettingsFromEnv } from '../pipeline-env.ts';
import { startPipeline, type Pipeline } from '../pipeline.ts';
import { clickhouseTarget } from '../store.ts';
import { observeStorageMemory } from './storage-memory-metrics.ts';
import { STORAGE_ROUTES_ENV, type ParentToStorage, type StorageToParent } from './storage-messages.ts';

// The storage process of `switchyard all` (the default; SWITCHYARD_STORAGE_PROCESS=inline keeps one
// process): ingest, policy, API and chDB, forked and supervised by the collector process
// (storage-supervisor.ts), which holds the data-directory lock and the event spool. Events arrive
// over IPC (core/transport/ipc-link.ts); routes reloads, their audit entries and health requests
// too (storage-messages.ts).

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} [storage] ${message}\n`);
// The collector may already be gone (killed, or exited on a second Ctrl-C): then there is no one to tell, not an error.
const send = (m: StorageToParent) => void (process.connected && process.send?.(m));
const source = process.env.SWITCHYARD_STORAGE_SOURCE;
if (!process.send || !source) {
  log('this module is started by `switchyard all` (storage process), not by hand');
  process.exit(2);
}

// Ctrl-C reaches the whole process group; the parent drains its events to us first, then says stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const env = parseEnv();
const telemetry = startTelemetry('switchyard-storage');
const subscriber = ipcAttemptSubscriber(process as unknown as Parameters<typeof ipcAttemptSubscriber>[0], log);
let pipeline: Pipeline | null = null;
let stopping: Promise<void> | null = null;
// The collector's running routes (its reloads arrive as messages); the file itself only when the collector sent none.
const fromParent = process.env[STORAGE_ROUTES_ENV];
let routes: RoutesConfig | undefined = fromParent
  ? parseRoutesConfig(JSON.parse(fromParent), 'routes from the collector process')
  : env.SWITCHYARD_CONFIG
    ? loadRoutesConfig(env.SWITCHYARD_CONFIG)
    : undefined;

const stop = () =>
  (stopping ??= (async () => {
    // Ingest stops its subscriber first (intake), then writers; policy and API after (the pipeline's order).
    await pipeline?.stop();
    await telemetry.shutdown();
    send({ t: 'stopped', stored: pipeline?.ingest?.stats.stored ?? 0 });
    if (process.connected) process.disconnect?.();
    process.exit(0);
  })());

/** A reload the collector applied: policy scores with it, and its calendar budgets become the stored ones (as in one process). */
function applyRoutes(config: unknown): void {
  try {
    routes = parseRoutesConfig(config, 'routes from the collector process');
  } catch (err) {
    log(`routes reload from the collector not applied: ${describeErrorSafely(err)}`);
    return;
  }
  if (!pipeline) return; // The pipeline starts with `routes`.
  pipeline.policy?.setRoutes(routes);
  const client = pipeline.clickhouse;
  if (client && routes.budgets.calendar)
    void syncRouteBudgets(client, clientRows(client), routes.budgets.calendar, systemClock.now()).catch((err: unknown) =>
      log(`budgets: storing the reloaded routes-file budgets failed: ${describeErrorSafely(err)}`),
    );
}

/** The embedded engine's `MemoryTracking` (bytes): what ClickHouse counts of its own allocations. */
async function engineTrackedBytes(client: NonNullable<Pipeline['clickhouse']>): Promise<number | null> {
  const result = await client.query({ query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'", format: 'JSONEachRow' });
  const rows = await result.json<{ value: string }>();
  return rows[0] ? Number(rows[0].value) : null;
}

async function answer(m: Extract<ParentToStorage, { id: number }>): Promise<void> {
  if (m.t === 'batch') return; // The IPC subscriber's.
  if (!pipeline?.clickhouse) return send({ t: 'nack', id: m.id, error: 'the storage process is not ready' });
  if (m.t === 'health') {
    const report = pipeline.ingest ? await pipeline.ingest.health() : { ok: true, checks: {} };
    return send({ t: 'health', id: m.id, report });
  }
  if (m.t === 'metrics') return send({ t: 'metrics', id: m.id, text: (await pipeline.metrics?.text()) ?? '' });
  try {
    await clickHouseRoutesAuditSink(pipeline.clickhouse)(m.entry);
    send({ t: 'ack', id: m.id });
  } catch (err) {
    send({ t: 'nack', id: m.id, error: describeErrorSafely(err) });
  }
}

process.on('message', (m: ParentToStorage) => {
  if (m.t === 'stop') void stop();
  else if (m.t === 'routes') applyRoutes(m.config);
  else void answer(m);
});
// The parent is gone (kill -9): nobody can deliver or be told; stop cleanly on our own.
process.on('disconnect', () => void stop());

try {
  pipeline = await startPipeline({
    services: new Set(['ingest', 'policy', 'api'] as const),
    ...pipelineSettingsFromEnv(env),
    routes,
    providerEnv: { ...process.env },
    clickhouse: clickhouseTarget(env),
    transport: {
      source,
      publisher: () => {
        throw new Error('the storage process does not publish');
      },
      subscriber: () => subscriber,
    },
    log,
  });
  // A reload that arrived while starting.
  if (routes) pipeline.policy?.setRoutes(routes);
  const client = pipeline.clickhouse;
  if (pipeline.metrics && client) observeStorageMemory(pipeline.metrics.meter, () => engineTrackedBytes(client));
  send({ t: 'ready', apiUrl: pipeline.apiUrl });
} catch (err) {
  // The collector process reports it (one line, exit 2 for a setting the user must change) and exits.
  const config = err instanceof ConfigError;
  if (!config) log(`cannot start: ${describeErrorSafely(err)}`);
  // A ConfigError's message is ours and names the setting; anything else is described without secrets.
  const failed: StorageToParent = { t: 'failed', error: config ? err.message : describeErrorSafely(err), config };
  process.send!(failed, () => process.exit(config ? 2 : 1));
}
