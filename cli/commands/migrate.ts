import type { RegisterCommand } from '../cli-kit.ts';

/** `switchyard migrate`: applies pending ClickHouse migrations and says which. */
export const migrateCommand: RegisterCommand = (program) => {
  program
    .command('migrate')
    .description('apply pending ClickHouse migrations (embedded chDB under SWITCHYARD_DATA, or CLICKHOUSE_URL)')
    .action(async () => {
      const [{ describeTarget }, { migrate }, { parseEnv }, { withStore }] = await Promise.all([
        import('../../core/clickhouse/client.ts'),
        import('../../core/clickhouse/migrate.ts'),
        import('../../core/config/env.ts'),
        import('../store.ts'),
      ]);
      const env = parseEnv();
      await withStore(env, async (client, target) => {
        const applied = await migrate(client, {
          rawTtlDays: env.SWITCHYARD_RAW_TTL_DAYS,
          cluster: env.CLICKHOUSE_CLUSTER,
          sequentialPartRemoval: target.kind === 'embedded',
        });
        console.log(applied.length ? `applied ${applied.join(', ')} on ${describeTarget(target)}` : `schema up to date on ${describeTarget(target)}`);
      });
    });
};
