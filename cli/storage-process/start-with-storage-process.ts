import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InProcessAttemptBus } from '../../core/transport/in-process-bus.ts';
import { buildRouteTable } from '../../collector/dispatch/route-table.ts';
import { createUpstreamPool } from '../../collector/providers/upstream-pool.ts';
import { startPipeline, type Pipeline, type PipelineOptions } from '../pipeline.ts';
import { StorageSupervisor } from './storage-supervisor.ts';

/** What `switchyard all` runs by default (SWITCHYARD_STORAGE_PROCESS=child); `stored` counts what the storage children stored. */
export type SplitPipeline = Pipeline & { readonly stored: number };

/**
 * `switchyard all` as two processes: the collector here, ingest + policy + API + chDB in a
 * supervised child (storage-child.ts). Events take the embedded transport's queue and disk spool
 * here (SWITCHYARD_DATA/spool/embedded, as in one process), and cross to the child one batch at a
 * time, forgotten only once the child acknowledged that ingest stored them.
 * What one process does by a call crosses as a message: the child starts with the collector's
 * routes (simulated ones included), a routes-file reload reaches its policy and stored budgets,
 * the reload's audit entry is written by it to `deployment_audit_v1`, and /healthz here includes
 * ingest's health and the child's state.
 * Stops in order: intake (collector server), drain events into the child, stop the child
 * (ingest, then policy and API), then the rest of this process.
 */
export async function startWithStorageProcess(
  o: Omit<PipelineOptions, 'services' | 'transport' | 'clickhouse' | 'kafka'>,
  childEnv: Record<string, string | undefined> = {},
): Promise<SplitPipeline> {
  // A routes file the collector cannot serve (a key's variable unset, an unpriced model) fails
  // here, before a storage process is started for nothing.
  if (o.routes) {
    const probe = createUpstreamPool();
    try {
      buildRouteTable(o.routes, o.providerEnv, probe);
    } finally {
      await probe.close();
    }
  }
  // Offsets of the embedded bus restart with each collector process: the source is unique per process, shared by its children.
  const source = `in-process:${randomUUID()}`;
  const supervisor = new StorageSupervisor({ source, env: childEnv, routes: o.routes, log: o.log });
  // With a fixed API port the collector knows where weights will be and serves at once; events wait in its queue until the child is ready.
  const knownApiUrl = o.apiPort > 0 ? `http://${o.host}:${o.apiPort}/graphql` : null;
  const childReady = supervisor.start();
  childReady.catch(() => {});
  if (!knownApiUrl) await childReady;
  const bus = new InProcessAttemptBus({
    spoolDir: o.spoolDir ? join(o.spoolDir, 'embedded') : undefined,
    maxBuffered: o.emission?.memoryEvents,
    spoolLimits: o.emission?.spool,
    log: o.log,
    // Fuller batches: the child's cost per insert (chDB, every rollup view: ~110–130 ms of CPU
    // whatever the rows) dwarfs its cost per event. 500 ms took the child from 665–720 to 355–406
    // µs of CPU per event stored at 1,000 req/s, 1,000 ms to 246–322 against 331–404 for 500 in
    // two side-by-side runs (docs/performance.md, "The storage process's inserts"). At most 1 s
    // more before an event is queryable.
    batchIntervalMs: 1000,
  });
  await bus.subscriber.start(supervisor.deliver);
  const stopStorage = async () => {
    await bus.subscriber.stop();
    await supervisor.stop();
  };
  let pipeline: Pipeline;
  try {
    pipeline = await startPipeline({
      ...o,
      services: new Set(['collector']),
      // Storage is the child's alone (chDB allows one process per path).
      clickhouse: undefined,
      kafka: undefined,
      transport: { source, publisher: () => bus.publisher, subscriber: () => bus.subscriber },
      apiUrl: o.apiUrl ?? knownApiUrl ?? supervisor.apiUrl ?? undefined,
      storage: {
        auditSink: supervisor.audit,
        applyRoutes: supervisor.applyRoutes,
        health: supervisor.health,
        ready: supervisor.hasStarted,
        metricsText: supervisor.metricsText,
      },
    });
  } catch (err) {
    await stopStorage();
    throw err;
  }
  try {
    await childReady;
  } catch (err) {
    await pipeline.stop();
    await stopStorage();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    ...pipeline,
    apiUrl: supervisor.apiUrl,
    get stored() {
      return supervisor.stored;
    },
    // The collector's stop closes its server, then drains the publisher through the child.
    stop: () => (stopping ??= pipeline.stop().then(stopStorage)),
  };
}
