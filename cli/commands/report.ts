import { Option } from 'commander';
import type { RegisterCommand } from '../cli-kit.ts';

/**
 * `switchyard report --week 2026-W48`: the week's report as Markdown, HTML (charts, offline) and
 * JSON in --out (default SWITCHYARD_REPORT_DIR, else ./reports); `--deliver` also sends the
 * summary with a link to the alerts receivers of the routes file. Prints the file paths as JSON.
 */
export const reportCommand: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description('weekly report: performance, cost with week-over-week change, fallbacks, parity, budgets, alerts and changes (Markdown + HTML + JSON)')
    .addOption(new Option('--week <week>', 'ISO week, e.g. 2026-W48 (default: last week)'))
    .addOption(new Option('--out <dir>', 'directory for the files (default: SWITCHYARD_REPORT_DIR, else ./reports)'))
    .addOption(new Option('--deliver', 'send the summary with a link to the alerts receivers (routes file alerts: section)'))
    .addHelpText('after', '\nExample: switchyard report --week 2026-W48 --out ./reports')
    .action(async (o: { week?: string; out?: string; deliver?: boolean }) => {
      const [
        { parseEnv },
        { withStore, requireSchema },
        { isoWeekOf, parseIsoWeek, previousWeek },
        service,
        { systemClock },
        { clientRows },
        { reportSettings },
        routesConfig,
      ] = await Promise.all([
        import('../../core/config/env.ts'),
        import('../store.ts'),
        import('../../policy/weekly-report/iso-week.ts'),
        import('../../policy/weekly-report/report-service.ts'),
        import('../../core/clock.ts'),
        import('../../policy/row-reader.ts'),
        import('../../policy/weekly-report/report-settings.ts'),
        import('../../collector/config/routes-config.ts'),
      ]);
      const week = o.week ? parseIsoWeek(o.week) : previousWeek(isoWeekOf(Date.now()));
      const env = parseEnv();
      const configured = reportSettings(process.env);
      const settings = { dir: o.out ?? configured?.dir ?? 'reports', baseUrl: configured?.baseUrl ?? null };
      const routes = env.SWITCHYARD_CONFIG ? routesConfig.loadRoutesConfig(env.SWITCHYARD_CONFIG) : undefined;
      const receivers = o.deliver ? service.reportReceivers(routes, process.env) : [];
      const result = await withStore(env, async (client, target) => {
        await requireSchema(client, target);
        return service.produceReport(week, { rows: clientRows(client), settings, slos: service.slosOf(routes), receivers, clock: systemClock, log: ctx.log });
      });
      console.log(JSON.stringify({ week: week.label, ...result.files, link: result.link, delivered: result.delivered }, null, 2));
    });
};
