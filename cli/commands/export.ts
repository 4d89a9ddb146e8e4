import { Option } from 'commander';
import type { RegisterCommand } from '../cli-kit.ts';

/**
 * `switchyard export focus|showback`: finance files from the chargeback rollups.
 * focus: FOCUS 1.2 Cost and Usage dataset (CSV or Parquet) plus `<out>.metadata.json`.
 * showback: the monthly per-team summary (CSV or JSON) on stdout or to --out.
 */
export const exportCommand: RegisterCommand = (program) => {
  const exp = program.command('export').description('finance exports: FOCUS chargeback dataset, monthly showback per team');
  exp
    .command('focus')
    .description('FOCUS 1.2 Cost and Usage dataset over [from, to) (whole UTC days, or hours with --period hour), with its metadata beside it')
    .requiredOption('--from <iso>', 'start, inclusive: 2026-11-01 or 2026-11-01T00:00:00Z')
    .requiredOption('--to <iso>', 'end, exclusive')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'parquet']).default('csv'))
    .addOption(new Option('--period <period>', 'charge period').choices(['day', 'hour']).default('day'))
    .option('--team <team...>', 'only these teams (default: every team)')
    .requiredOption('--out <file>', 'dataset path; the metadata goes to <file>.metadata.json')
    .addHelpText('after', '\nExample: switchyard export focus --from 2026-11-01 --to 2026-12-01 --format parquet --out focus-2026-11.parquet')
    .action(async (o: { from: string; to: string; format: string; period: string; team?: string[]; out: string }) => {
      const [{ parseEnv }, { withStore, requireSchema }, { runFocusExport }, { checkOutFile, writingOutFile }] = await Promise.all([
        import('../../core/config/env.ts'),
        import('../store.ts'),
        import('../../finance/export-commands.ts'),
        import('../out-file.ts'),
      ]);
      const env = parseEnv();
      checkOutFile('--out', o.out, { engineWrites: true, regularOnly: true });
      const written = await withStore(
        env,
        async (client, target) => {
          await requireSchema(client, target);
          return writingOutFile('--out', o.out, () => runFocusExport(client, target, { ...o, teams: o.team, nowMs: Date.now() }));
        },
        // The service holding the store serves the same dataset over HTTP (its token's teams: no team filter there).
        (api) => {
          const query = new URLSearchParams({ from: o.from, to: o.to, format: o.format, period: o.period });
          const token = env.SWITCHYARD_API_TOKENS ? ' -H "authorization: Bearer <a finance token>"' : '';
          const metadata = `${api}/exports/focus/metadata?format=${o.format}`;
          return `curl -fo ${JSON.stringify(o.out)}${token} "${api}/exports/focus?${query}" && curl -fo ${JSON.stringify(`${o.out}.metadata.json`)}${token} "${metadata}"`;
        },
      );
      console.log(JSON.stringify(written));
    });
  exp
    .command('showback')
    .description('monthly showback per team: effective and list cost, savings, share, requests and tokens')
    .requiredOption('--month <month>', 'UTC calendar month, YYYY-MM')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--out <file>', 'write here instead of stdout')
    .action(async (o: { month: string; format: string; out?: string }) => {
      const [{ writeFile }, { parseEnv }, { withStore, requireSchema }, { runShowbackExport }, { checkOutFile, writingOutFile }] = await Promise.all([
        import('node:fs/promises'),
        import('../../core/config/env.ts'),
        import('../store.ts'),
        import('../../finance/export-commands.ts'),
        import('../out-file.ts'),
      ]);
      if (o.out) checkOutFile('--out', o.out);
      const text = await withStore(
        parseEnv(),
        async (client, target) => {
          await requireSchema(client, target);
          return runShowbackExport(client, o);
        },
        (api) => `the GraphQL query showback(month: "${o.month}") at ${api}/graphql`,
      );
      const out = o.out;
      if (out) await writingOutFile('--out', out, () => writeFile(out, text));
      else process.stdout.write(text);
    });
};
