import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderHtml } from './report-html.ts';
import { renderMarkdown } from './report-markdown.ts';
import type { WeeklyReport } from './weekly-report.ts';

export interface ReportFiles {
  markdown: string;
  html: string;
  json: string;
}

/** The three files of a week's report in `dir`. */
export function reportPaths(dir: string, week: string): ReportFiles {
  const base = join(resolve(dir), `switchyard-report-${week}`);
  return { markdown: `${base}.md`, html: `${base}.html`, json: `${base}.json` };
}

/** Whether a week's report was written (its HTML page is the last file written). */
export function reportWritten(dir: string, week: string): boolean {
  return existsSync(reportPaths(dir, week).html);
}

/**
 * Writes Markdown, HTML and the exact data as JSON; each file through a temporary name and a
 * rename, so a reader (or a restarted schedule) never sees half a report.
 */
export function writeReport(dir: string, report: WeeklyReport): ReportFiles {
  mkdirSync(dir, { recursive: true });
  const paths = reportPaths(dir, report.week);
  const put = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  put(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  put(paths.markdown, renderMarkdown(report));
  put(paths.html, renderHtml(report));
  return paths;
}
