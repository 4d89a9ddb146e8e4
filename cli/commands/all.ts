import type { RegisterCommand } from '../cli-kit.ts';
import type { ServiceName } from '../pipeline.ts';
import { serve, serviceDescriptions } from './services.ts';

/** `switchyard all`: the whole pipeline with one command (what `npm start` runs): the collector here, storage in a child process it supervises. */
export const allCommand: RegisterCommand = (program, ctx) => {
  program
    .command('all')
    .description('collector, ingest, policy and api with one command (what npm start runs)')
    .addHelpText(
      'after',
      '\nEnvironment: SWITCHYARD_PORT, SWITCHYARD_API_PORT, SWITCHYARD_DATA, SWITCHYARD_CONFIG, KAFKA_BROKERS, CLICKHOUSE_URL … (see README)',
    )
    .action(async () => {
      ctx.exitCode = await serve(Object.keys(serviceDescriptions) as ServiceName[], ctx.log);
    });
};
