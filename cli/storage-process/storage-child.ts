import { loadRoutesConfig } from '../../collector/config/routes-config.ts';
import { parseEnv } from '../../core/config/env.ts';
import { ipcAttemptSubscriber, type ChildToParent, type ParentToChild } from '../../core/transport/ipc-link.ts';
import { pipelineSettingsFromEnv } from '../pipeline-env.ts';
import { startPipeline, type Pipeline } from '../pipeline.ts';
import { clickhouseTarget } from '../store.ts';

// The storage process of `switchyard all` (SWITCHYARD_STORAGE_PROCESS=child): ingest, policy, API
// and chDB, forked and supervised by the collector process (storage-supervisor.ts), which holds
// the data-directory lock and the event spool. Events arrive over IPC (core/transport/ipc-link.ts).

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} [storage] ${message}\n`);
const send = (m: ChildToParent) => void process.send?.(m);
const source = process.env.SWITCHYARD_STORAGE_SOURCE;
if (!process.send || !source) {
  log('this module is started by `switchyard all` with SWITCHYARD_STORAGE_PROCESS=child, not by hand');
  process.exit(2);
}

// Ctrl-C reaches the whole process group; the parent drains its events to us first, then says stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const env = parseEnv();
const subscriber = ipcAttemptSubscriber(process as unknown as Parameters<typeof ipcAttemptSubscriber>[0], log);
let pipeline: Pipeline | null = null;
let stopping: Promise<void> | null = null;

const stop = () =>
  (stopping ??= (async () => {
    // Ingest stops its subscriber first (intake), then writers; policy and API after (the pipeline's order).
    await pipeline?.stop();
    send({ t: 'stopped', stored: pipeline?.ingest?.stats.stored ?? 0 });
    process.disconnect?.();
    process.exit(0);
  })());

process.on('message', (m: ParentToChild) => {
  if (m.t === 'stop') void stop();
});
// The parent is gone (kill -9): nobody can deliver or be told; stop cleanly on our own.
process.on('disconnect', () => void stop());

try {
  pipeline = await startPipeline({
    services: new Set(['ingest', 'policy', 'api'] as const),
    ...pipelineSettingsFromEnv(env),
    routes: env.SWITCHYARD_CONFIG ? loadRoutesConfig(env.SWITCHYARD_CONFIG) : undefined,
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
  send({ t: 'ready', apiUrl: pipeline.apiUrl });
} catch (err) {
  log(`cannot start: ${(err as Error).message}`);
  process.exit(1);
}
