import { Option } from 'commander';
import { utcDay, type RegisterCommand } from '../cli-kit.ts';
import { resolveDay, verdictLines } from '../reconcile-report.ts';

/**
 * `switchyard reconcile --day D`: distinct raw attempts against every rollup for one UTC day.
 * Exit 0 when every rollup agrees, 1 on a difference; the JSON report goes to stdout, the verdict
 * per table and any warning (today is not closed) to stderr.
 */
export const reconcileCommand: RegisterCommand = (program, ctx) => {
  program
    .command('reconcile')
    .description(
      'prove a closed UTC day: distinct raw attempts against every v2 rollup on attempts, requests, token buckets, cost by bucket and list cost (exit 1 on a difference)',
    )
    .addOption(new Option('--day <day>', 'UTC day: YYYY-MM-DD, "yesterday" or "today" (today is not closed: expect differences)').argParser(dayOrKeyword))
    .addHelpText(
      'after',
      '\nExample: switchyard reconcile --day yesterday\nWith the service running on the embedded store, stop it first or reconcile a copy (SWITCHYARD_DATA).',
    )
    .action(async (o: { day?: string }, command: { error: (m: string, opts: { exitCode: number }) => never }) => {
      if (!o.day)
        command.error('switchyard reconcile: --day is required (YYYY-MM-DD, "yesterday" or "today"); only a closed day (before today, UTC) can be proven', {
          exitCode: 2,
        });
      const { day, warning } = resolveDay(o.day, new Date());
      if (warning) ctx.log(`reconcile: warning: ${warning}`);
      const [{ parseEnv }, { reconcileDay }, { requireSchema, withStore }] = await Promise.all([
        import('../../core/config/env.ts'),
        import('../../ingest/reconcile-day.ts'),
        import('../store.ts'),
      ]);
      const report = await withStore(parseEnv(), async (client, target) => {
        await requireSchema(client, target);
        return reconcileDay(client, day);
      });
      if (report.raw.attempts === 0)
        ctx.log(`reconcile: warning: no attempts stored for ${day}; nothing to prove (is SWITCHYARD_DATA / CLICKHOUSE_URL the store you mean?)`);
      console.log(JSON.stringify(report, null, 2));
      for (const line of verdictLines(report)) process.stderr.write(`${line}\n`);
      ctx.exitCode = report.ok ? 0 : 1;
    });
};

function dayOrKeyword(value: string): string {
  return value === 'yesterday' || value === 'today' ? value : utcDay(value);
}
