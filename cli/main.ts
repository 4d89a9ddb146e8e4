import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRoutesConfig, type RoutesConfig } from '../collector/config/routes-config.ts';
import { sha256Hex } from '../collector/http/key-ring.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { runSimulatorCommand } from '../collector/simulator/cli.ts';
import { createClickHouse, describeTarget, type ClickHouseTarget } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { parseEnv, type SwitchyardEnv } from '../core/config/env.ts';
import { ConfigError } from '../core/errors.ts';
import { reconcileDay } from '../ingest/reconcile-day.ts';
import { startTelemetry } from '../core/telemetry/otel.ts';
import { providerRoutesFromEnv, simulatedRoutes, SIMULATOR_KEY_ENV } from './default-routes.ts';
import { runDrillCommand } from './drill.ts';
import { serviceNames, startPipeline, type ServiceName } from './pipeline.ts';

const USAGE = `usage: switchyard <command>
  all                          collector, ingest, policy and api in one process (npm start)
  collector|ingest|policy|api  one or more services, e.g. "switchyard ingest policy api"
  migrate                      apply ClickHouse migrations
  reconcile --day YYYY-MM-DD   prove a closed UTC day: raw attempts vs every rollup (exit 1 on mismatch)
  hash-key                     read a client key on stdin, print the sha256 for the routes file's keys
  simulate [--port N]          run the provider simulator
  drill --scenario NAME --requests N [--concurrency C] [--json]
                               drive traffic through a fault scenario and report`;

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

export async function main(argv: string[]): Promise<number> {
  const [command = 'all', ...rest] = argv;
  try {
    if (command === 'help' || command === '--help') return void console.log(USAGE), 0;
    if (command === 'simulate') return await runSimulatorCommand(rest), 0;
    if (command === 'drill') return await runDrillCommand(rest);
    if (command === 'hash-key') return await runHashKey();
    const env = parseEnv();
    if (command === 'migrate') return await runMigrate(env);
    if (command === 'reconcile') return await runReconcile(env, rest);
    const services = command === 'all' ? new Set<ServiceName>(serviceNames) : parseServices([command, ...rest]);
    return await runServices(env, services);
  } catch (err) {
    if (err instanceof ConfigError) {
      log(`switchyard: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

function parseServices(names: string[]): Set<ServiceName> {
  const unknown = names.filter((n) => !(serviceNames as readonly string[]).includes(n));
  if (unknown.length) throw new ConfigError(`unknown command or service "${unknown.join(' ')}"\n${USAGE}`);
  return new Set(names as ServiceName[]);
}

export function clickhouseTarget(env: SwitchyardEnv): ClickHouseTarget {
  return env.CLICKHOUSE_URL ? { kind: 'server', url: env.CLICKHOUSE_URL } : { kind: 'embedded', path: join(env.dataDir, 'clickhouse') };
}

async function runMigrate(env: SwitchyardEnv): Promise<number> {
  const target = clickhouseTarget(env);
  const client = createClickHouse(target);
  try {
    const applied = await migrate(client, { rawTtlDays: env.SWITCHYARD_RAW_TTL_DAYS, cluster: env.CLICKHOUSE_CLUSTER });
    console.log(applied.length ? `applied ${applied.join(', ')} on ${describeTarget(target)}` : `schema up to date on ${describeTarget(target)}`);
    return 0;
  } finally {
    await client.close();
  }
}

/** Reads the key from stdin so it never lands in shell history or a process list. */
async function runHashKey(): Promise<number> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const key = input.trim();
  if (!key) throw new ConfigError('hash-key: pipe the client key on stdin, e.g. `printf %s "$KEY" | switchyard hash-key`');
  console.log(sha256Hex(key));
  return 0;
}

async function runReconcile(env: SwitchyardEnv, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { day: { type: 'string' } } });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const day = values.day ?? yesterday;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ConfigError(`--day must be YYYY-MM-DD, got "${day}"`);
  const client = createClickHouse(clickhouseTarget(env));
  try {
    const report = await reconcileDay(client, day);
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}

async function runServices(env: SwitchyardEnv, services: Set<ServiceName>): Promise<number> {
  const telemetry = startTelemetry('switchyard');
  const providerEnv: Record<string, string | undefined> = { ...process.env };
  let routes: RoutesConfig | undefined;
  let closeSimulator: (() => Promise<void>) | null = null;
  if (services.has('collector')) {
    routes = env.SWITCHYARD_CONFIG ? loadRoutesConfig(env.SWITCHYARD_CONFIG) : (providerRoutesFromEnv(process.env) ?? undefined);
    if (!routes) {
      const simulator = await startSimulator({ host: env.SWITCHYARD_HOST });
      closeSimulator = () => simulator.close();
      routes = simulatedRoutes((u, k) => simulator.baseUrl(u, k));
      providerEnv[SIMULATOR_KEY_ENV] = 'simulated-key';
      log(`collector: no routes file and no provider keys, using simulated providers at ${simulator.url}`);
    }
  }
  const pipeline = await startPipeline({
    services,
    host: env.SWITCHYARD_HOST,
    collectorPort: env.SWITCHYARD_PORT,
    apiPort: env.SWITCHYARD_API_PORT,
    routes,
    routesFile: env.SWITCHYARD_CONFIG || undefined,
    providerEnv,
    clickhouse: services.has('ingest') || services.has('policy') || services.has('api') ? clickhouseTarget(env) : undefined,
    kafka: env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS, groupId: env.KAFKA_GROUP_ID, topic: env.KAFKA_TOPIC } : undefined,
    apiUrl: env.SWITCHYARD_API_URL,
    weightsPollMs: env.SWITCHYARD_WEIGHTS_POLL_MS,
    ingestMaxRows: env.SWITCHYARD_INGEST_MAX_ROWS,
    spoolDir: join(env.dataDir, 'spool'),
    opsPort: env.SWITCHYARD_OPS_PORT,
    ingestStallMs: env.SWITCHYARD_INGEST_STALL_MS,
    rawTtlDays: env.SWITCHYARD_RAW_TTL_DAYS,
    cluster: env.CLICKHOUSE_CLUSTER,
    policyIntervalMs: env.SWITCHYARD_POLICY_INTERVAL_MS,
    policyWindowMs: env.SWITCHYARD_POLICY_WINDOW_MS,
    log,
  }).catch(async (err: unknown) => {
    await closeSimulator?.();
    throw err;
  });

  console.log(`switchyard running: ${[...services].join(', ')} (events: ${env.KAFKA_BROKERS ? `Kafka ${env.KAFKA_BROKERS.join(',')}` : 'in-process'})`);
  if (pipeline.collectorUrl) console.log(`  OpenAI base URL: ${pipeline.collectorUrl}   (models: ${routes!.routes.map((r) => r.name).join(', ')})`);
  if (pipeline.apiUrl) console.log(`  GraphQL:         ${pipeline.apiUrl}`);
  if (pipeline.opsUrl) console.log(`  Ops:             ${pipeline.opsUrl}/metrics  ${pipeline.opsUrl}/healthz`);

  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log(`${signal}: shutting down (flushing events)`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  await pipeline.stop();
  await closeSimulator?.();
  await telemetry.shutdown();
  log(`stopped cleanly${pipeline.ingest ? ` (${pipeline.ingest.stats.stored} attempts stored this run)` : ''}`);
  return 0;
}
