import { integerAtLeast, type RegisterCommand } from '../cli-kit.ts';
import { drillScenarios } from '../drill-scenarios.ts';
import { createProgress } from '../progress.ts';

const scenarioList = Object.entries(drillScenarios)
  .map(([name, s]) => `  ${name.padEnd(18)} ${s.description}\n  ${''.padEnd(18)} passes when: ${s.criterion}`)
  .join('\n');

/**
 * `switchyard drill --scenario NAME`: the whole pipeline on a fresh embedded store against
 * simulated providers with the scenario's faults. Prints one JSON report on stdout, progress on
 * stderr; exits 1 when the scenario's success criterion is not met (`passed: false`).
 */
export const drillCommand: RegisterCommand = (program, ctx) => {
  program
    .command('drill')
    .description('drive traffic through a fault scenario on a throwaway embedded store and report (exit 1 when its criterion fails)')
    .option('--scenario <name>', `one of ${Object.keys(drillScenarios).join(', ')}`)
    .option('--requests <n>', 'requests to send', integerAtLeast(1), 200)
    .option('--concurrency <n>', 'requests in flight at once', integerAtLeast(1), 8)
    .option('--json', 'the report as one line of JSON (progress stays on stderr)')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `\nScenarios:\n${scenarioList}\n\nExit status: 0 when the criterion held, 1 when it did not, 2 on a usage error.`)
    .action(
      async (
        o: { scenario?: string; requests: number; concurrency: number; json?: boolean; quiet?: boolean },
        command: { error: (m: string, opts: { exitCode: number }) => never },
      ) => {
        if (!o.scenario || !drillScenarios[o.scenario]) {
          const what = o.scenario ? `unknown scenario "${o.scenario}"` : '--scenario is required';
          command.error(`switchyard drill: ${what}; choose one of ${Object.keys(drillScenarios).join(', ')}`, { exitCode: 2 });
        }
        const bar = o.quiet ? null : createProgress(`drill ${o.scenario}`);
        const { runDrill } = await import('../drill.ts');
        const report = await runDrill(
          o.scenario,
          o.requests,
          o.concurrency,
          bar ? { request: (done, total, failed) => bar.update(done, total, `${failed} failed`), phase: (m) => bar.finish(m) } : undefined,
        );
        bar?.finish(
          report.passed ? `passed (${report.criterion})` : `FAILED: ${report.failed} of ${report.requests} requests failed; criterion: ${report.criterion}`,
        );
        console.log(o.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
        ctx.exitCode = report.passed ? 0 : 1;
      },
    );
};
