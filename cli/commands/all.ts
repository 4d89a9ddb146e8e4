import type { RegisterCommand } from '../cli-kit.ts';
import type { ServiceName } from '../pipeline.ts';
import { serve, serviceDescriptions } from './services.ts';

/** `switchyard all`: the whole pipeline in one process (what `npm start` runs). */
export const allCommand: RegisterCommand = (program, ctx) => {
  program
    .command('all')
    .description('collector, ingest, policy and api in one process (what npm start runs)')
    .addHelpText(
      'after',
      '\nEnvironment: SWITCHYARD_PORT, SWITCHYARD_API_PORT, SWITCHYARD_DATA, SWITCHYARD_CONFIG, KAFKA_BROKERS, CLICKHOUSE_URL … (see README)',
    )
    .action(async () => {
      ctx.exitCode = await serve(Object.keys(serviceDescriptions) as ServiceName[], ctx.log);
    });
};
