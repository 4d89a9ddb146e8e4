import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import type { RoutesConfig } from '../../collector/config/routes-config.ts';
import { resolveReceivers, type ResolvedReceiver } from '../alerts/notify/receiver-secrets.ts';
import { parseAlertsConfig } from '../alerts/rules/alerts-config.ts';
import type { GoodputSlo } from '../goodput.ts';
import { clientRows, type RowReader } from '../row-reader.ts';
import { buildWeeklyReport } from './build-weekly-report.ts';
import { isoWeekOf, previousWeek, type IsoWeek } from './iso-week.ts';
import { deliverSummary } from './report-delivery.ts';
import { reportWritten, writeReport, type ReportFiles } from './report-files.ts';
import { reportSettings, type ReportSettings } from './report-settings.ts';

/** A closed week is reported this long after it ends, so late events and the last rollup minutes are in. */
export const REPORT_GRACE_MS = 30 * 60_000;

/** The routes file's per-route goodput SLOs, as the report reads them. */
export function slosOf(routes: RoutesConfig | undefined): Map<string, GoodputSlo> {
  return new Map((routes?.routes ?? []).flatMap((r) => (r.slo ? [[r.name, { latencyMs: r.slo.latency_ms, ttftMs: r.slo.ttft_ms ?? null }] as const] : [])));
}

/** The alerts section's receivers, resolved from the environment (ConfigError names a missing variable). */
export function reportReceivers(routes: RoutesConfig | undefined, env: Record<string, string | undefined>): ResolvedReceiver[] {
  return resolveReceivers(parseAlertsConfig(routes?.alerts, 'routes config alerts section').receivers, env, (s) =>
    createHash('sha256').update(s).digest('hex'),
  );
}

/** The link a summary carries: under the configured base URL, else the file itself. */
export function reportLink(settings: ReportSettings, files: ReportFiles): string {
  const name = files.html.split(/[\\/]/).at(-1)!;
  return settings.baseUrl ? new URL(name, settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`).href : pathToFileURL(files.html).href;
}

export interface ProduceOptions {
  rows: RowReader;
  settings: ReportSettings;
  slos: ReadonlyMap<string, GoodputSlo>;
  /** Empty: write only. */
  receivers: readonly ResolvedReceiver[];
  clock: Clock;
  log: (message: string) => void;
}

/** Builds one week's report, writes its files and delivers the summary with a link. */
export async function produceReport(week: IsoWeek, o: ProduceOptions): Promise<{ files: ReportFiles; link: string; delivered: number }> {
  const report = await buildWeeklyReport(o.rows, week, { slos: o.slos, nowMs: o.clock.now() });
  const files = writeReport(o.settings.dir, report);
  const link = reportLink(o.settings, files);
  const results = await deliverSummary(report, link, {
    receivers: o.receivers,
    clock: o.clock,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: o.log,
  });
  return { files, link, delivered: results.filter((r) => r.result.delivered).length };
}

/** Last week, when its report is due (the week ended REPORT_GRACE_MS ago) and not written yet; else null. */
export function dueWeek(nowMs: number, dir: string): IsoWeek | null {
  const week = previousWeek(isoWeekOf(nowMs));
  return nowMs < week.toMs + REPORT_GRACE_MS || reportWritten(dir, week.label) ? null : week;
}

/**
 * The policy service's weekly schedule: every `checkEveryMs` it looks whether last week's report
 * is due (the week ended at least REPORT_GRACE_MS ago) and not yet written, and produces it.
 * The written file is the record, so a restart neither skips nor repeats a week. null when
 * SWITCHYARD_REPORT_DIR is unset.
 */
export function startWeeklyReports(o: {
  clickhouse: ClickHouseClient;
  env: Record<string, string | undefined>;
  routes?: RoutesConfig;
  clock: Clock;
  log: (message: string) => void;
  checkEveryMs?: number;
}): { stop(): Promise<void> } | null {
  const settings = reportSettings(o.env);
  if (!settings) return null;
  const produce: ProduceOptions = {
    rows: clientRows(o.clickhouse),
    settings,
    slos: slosOf(o.routes),
    receivers: reportReceivers(o.routes, o.env),
    clock: o.clock,
    log: o.log,
  };
  const task = new PeriodicTask(
    async () => {
      const week = dueWeek(o.clock.now(), settings.dir);
      if (!week) return;
      try {
        const { files, delivered } = await produceReport(week, produce);
        o.log(`report: ${week.label} written to ${files.html}; summary delivered to ${delivered} of ${produce.receivers.length} receivers`);
      } catch (err) {
        o.log(`report: ${week.label} failed, will try again: ${(err as Error).message}`);
      }
    },
    o.checkEveryMs ?? 10 * 60_000,
  );
  task.start();
  return task;
}
