import { ConfigError } from '../../core/errors.ts';
import type { RegisterCommand } from '../cli-kit.ts';
import type { ServiceName } from '../pipeline.ts';

/** Every service, with its help line; a Record so a new ServiceName cannot be forgotten here. */
export const serviceDescriptions: Record<ServiceName, string> = {
  collector: 'the routing shim (OpenAI/Anthropic-compatible HTTP); needs KAFKA_BROKERS unless ingest runs here too',
  ingest: 'attempt events → ClickHouse (rollups, reconciliation-ready)',
  policy: 'routing weights from recent reliability and latency',
  api: 'the GraphQL API',
};

const names = Object.keys(serviceDescriptions) as ServiceName[];

/** Runs the services in this process; the pipeline loads only now, so `--help` stays instant. */
export async function serve(services: readonly ServiceName[], log: (m: string) => void): Promise<number> {
  const [{ parseEnv }, { runServices }] = await Promise.all([import('../../core/config/env.ts'), import('../run-services.ts')]);
  return runServices(parseEnv(), new Set(services), log);
}

/**
 * `switchyard collector|ingest|policy|api [more services…]`: one command per service, each taking
 * further service names so `switchyard ingest policy api` runs three in one process.
 */
export const servicesCommand: RegisterCommand = (program, ctx) => {
  for (const name of names) {
    program
      .command(name)
      .description(serviceDescriptions[name])
      .argument('[more...]', `further services for the same process (${names.join(', ')})`)
      .action(async (more: string[]) => {
        const unknown = more.filter((n) => !(names as string[]).includes(n));
        if (unknown.length) throw new ConfigError(`unknown command or service "${unknown.join(' ')}"; services are ${names.join(', ')}`);
        ctx.exitCode = await serve([name, ...(more as ServiceName[])], ctx.log);
      });
  }
};
