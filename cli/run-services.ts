import { join } from 'node:path';
import { loadRoutesConfig, type RoutesConfig } from '../collector/config/routes-config.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import type { SwitchyardEnv } from '../core/config/env.ts';
import { listenError } from '../core/listen-error.ts';
import { startTelemetry } from '../core/telemetry/otel.ts';
import { emissionLimitsFromEnv } from '../core/transport/emission-limits.ts';
import { providerRoutesFromEnv, simulatedRoutes, SIMULATOR_KEY_ENV } from './default-routes.ts';
import { serviceNames, startPipeline, type ServiceName } from './pipeline.ts';
import { pipelineSettingsFromEnv } from './pipeline-env.ts';
import { assertPortsFree, type PlannedPort } from './server-lifecycle.ts';
import { startWithStorageProcess } from './storage-process/start-with-storage-process.ts';
import { clickhouseTarget, lockIfEmbedded } from './store.ts';

/**
 * Runs `services` in this process until SIGINT/SIGTERM, then shuts down in order. With no routes
 * file and no provider keys the collector routes to the built-in simulator, so it works offline.
 */
export async function runServices(env: SwitchyardEnv, services: ReadonlySet<ServiceName>, log: (m: string) => void): Promise<number> {
  const clickhouse = services.has('ingest') || services.has('policy') || services.has('api') ? clickhouseTarget(env) : undefined;
  const lock = lockIfEmbedded(env, clickhouse);
  // Listening from the start: Ctrl-C while the storage process starts still stops in order (once started) instead of killing us mid-start.
  const signalled = untilSignal(log);
  const telemetry = startTelemetry('switchyard');
  const providerEnv: Record<string, string | undefined> = { ...process.env };
  let routes: RoutesConfig | undefined;
  let closeSimulator: (() => Promise<void>) | null = null;
  try {
    if (services.has('collector')) routes = env.SWITCHYARD_CONFIG ? loadRoutesConfig(env.SWITCHYARD_CONFIG) : (providerRoutesFromEnv(process.env) ?? undefined);
    const simulated = services.has('collector') && !routes;
    // Every port checked before anything starts: a second copy is told of all its taken ports at once, not one per start.
    await assertPortsFree(env.SWITCHYARD_HOST, plannedPorts(env, services, simulated));
    if (simulated) {
      const simulator = await startSimulator({ host: env.SWITCHYARD_HOST, port: env.SWITCHYARD_SIMULATOR_PORT }).catch((err: NodeJS.ErrnoException) => {
        throw listenError(err, env.SWITCHYARD_HOST, env.SWITCHYARD_SIMULATOR_PORT, { port: 'SWITCHYARD_SIMULATOR_PORT', host: 'SWITCHYARD_HOST' });
      });
      closeSimulator = () => simulator.close();
      routes = simulatedRoutes((u, k) => simulator.baseUrl(u, k));
      providerEnv[SIMULATOR_KEY_ENV] = 'simulated-key';
      log(`collector: no routes file and no provider keys, using simulated providers at ${simulator.url}`);
    }
    // Policy and API read the routes file too when given one: its calendar budgets are stored for the lease grantor.
    if (!routes && env.SWITCHYARD_CONFIG && (services.has('policy') || services.has('api'))) routes = loadRoutesConfig(env.SWITCHYARD_CONFIG);
    // `switchyard all` without Kafka puts ingest, policy, API and chDB in a child process, so requests never wait on them (SWITCHYARD_STORAGE_PROCESS=inline: one process).
    const split = env.SWITCHYARD_STORAGE_PROCESS === 'child' && !env.KAFKA_BROKERS && services.size === serviceNames.length;
    const pipeline = await (split ? startWithStorageProcess : startPipeline)({
      services: new Set(services),
      ...pipelineSettingsFromEnv(env),
      routes,
      routesFile: env.SWITCHYARD_CONFIG || undefined,
      providerEnv,
      clickhouse,
      kafka: env.KAFKA_BROKERS
        ? { brokers: env.KAFKA_BROKERS, groupId: env.KAFKA_GROUP_ID, topic: env.KAFKA_TOPIC, producerOn: env.SWITCHYARD_KAFKA_PRODUCER }
        : undefined,
      apiUrl: env.SWITCHYARD_API_URL,
      apiToken: env.SWITCHYARD_API_TOKEN || undefined,
      collectorId: env.SWITCHYARD_COLLECTOR_ID,
      spoolDir: join(env.dataDir, 'spool'),
      emission: emissionLimitsFromEnv(env),
      opsPort: env.SWITCHYARD_OPS_PORT,
      log,
    });

    // Told to stop while starting: no banner inviting requests we are about to refuse.
    if (!signalled.received()) {
      console.log(
        `switchyard running: ${[...services].join(', ')} (events: ${env.KAFKA_BROKERS ? `Kafka ${env.KAFKA_BROKERS.join(',')}` : split ? 'to a storage process' : 'in-process'})`,
      );
      if (pipeline.collectorUrl) console.log(`  OpenAI base URL: ${pipeline.collectorUrl}   (models: ${routes!.routes.map((r) => r.name).join(', ')})`);
      if (pipeline.apiUrl) console.log(`  GraphQL:         ${pipeline.apiUrl}`);
      if (pipeline.apiUrl) console.log(`  Console:         ${pipeline.apiUrl.replace(/\/graphql$/, '/console/')}`);
      if (pipeline.opsUrl) console.log(`  Ops:             ${pipeline.opsUrl}/metrics  ${pipeline.opsUrl}/healthz`);
      if (pipeline.apiUrl) lock?.advertiseApi(new URL(pipeline.apiUrl).origin);
    }
    await signalled.promise;
    await pipeline.stop();
    const stored = pipeline.ingest?.stats.stored ?? ('stored' in pipeline ? pipeline.stored : null);
    log(`stopped cleanly${stored === null ? '' : ` (${stored} ${stored === 1 ? 'attempt' : 'attempts'} stored this run)`}`);
    return 0;
  } finally {
    await closeSimulator?.();
    await telemetry.shutdown();
    lock?.release();
  }
}

/** Every port this run listens on, with the variable that chooses it: the simulator's only when it runs. */
function plannedPorts(env: SwitchyardEnv, services: ReadonlySet<ServiceName>, simulated: boolean): PlannedPort[] {
  return [
    ...(services.has('collector') ? [{ port: env.SWITCHYARD_PORT, variable: 'SWITCHYARD_PORT' } as const] : []),
    ...(services.has('api') ? [{ port: env.SWITCHYARD_API_PORT, variable: 'SWITCHYARD_API_PORT' } as const] : []),
    { port: env.SWITCHYARD_OPS_PORT, variable: 'SWITCHYARD_OPS_PORT' },
    ...(simulated ? [{ port: env.SWITCHYARD_SIMULATOR_PORT, variable: 'SWITCHYARD_SIMULATOR_PORT' } as const] : []),
  ];
}

/**
 * `promise` resolves on the first SIGINT/SIGTERM (`received()` then says true); a second one exits
 * at once. A terminal's Ctrl-C reaches the whole process group and `npm start` forwards its own
 * copy to us, so a repeat within REPEAT_GRACE_MS of the first is that same Ctrl-C, not a user
 * asking to skip the orderly stop.
 */
function untilSignal(log: (m: string) => void): { promise: Promise<void>; received: () => boolean } {
  let first = 0;
  const promise = new Promise<void>((resolve) => {
    const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
      if (first === 0) {
        first = Date.now();
        log(`${signal}: shutting down (flushing events)`);
        resolve();
        return;
      }
      if (Date.now() - first < REPEAT_GRACE_MS) return;
      log(`${signal} again: exiting without finishing the shutdown`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  return { promise, received: () => first !== 0 };
}

/** How long after the first signal a second one still counts as the same Ctrl-C (ms). */
const REPEAT_GRACE_MS = 1_000;
