import { groupName } from '../../core/events/attempt-event.ts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './report-markdown.ts';
import type { WeeklyReport } from './weekly-report.ts';

let chartJs: string | null = null;

/** Chart.js's UMD build, read once from the installed package; inlined so the page renders offline. */
function chartLibrary(): string {
  chartJs ??= readFileSync(join(dirname(fileURLToPath(import.meta.resolve('chart.js'))), 'chart.umd.js'), 'utf8');
  return chartJs;
}

/** Text inside <script>: nothing may close the element early. */
const scriptSafe = (text: string) => text.replaceAll('</script', '<\\/script').replaceAll('<!--', '<\\!--');
const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** What the charts draw, computed here so the page's script only plots. */
function chartData(r: WeeklyReport) {
  const reasons = new Map<string, number>();
  for (const f of r.fallbacks) for (const [k, v] of Object.entries(f.reasons)) reasons.set(k, (reasons.get(k) ?? 0) + v);
  return {
    costByTeam: {
      labels: r.cost.byTeam.map((c) => groupName(c.key)),
      current: r.cost.byTeam.map((c) => Number(c.costUsd)),
      previous: r.cost.byTeam.map((c) => Number(c.previousUsd)),
      weeks: [r.week, r.previousWeek],
    },
    costByProvider: { labels: r.cost.byProvider.map((c) => c.key), values: r.cost.byProvider.map((c) => Number(c.costUsd)) },
    latency: {
      labels: r.performance.map((p) => p.route),
      p50: r.performance.map((p) => p.latencyMs?.p50 ?? 0),
      p95: r.performance.map((p) => p.latencyMs?.p95 ?? 0),
      p99: r.performance.map((p) => p.latencyMs?.p99 ?? 0),
    },
    fallbackReasons: { labels: [...reasons.keys()], values: [...reasons.values()] },
  };
}

const PLOT = `
Chart.defaults.animation = false;
const d = JSON.parse(document.getElementById('report-data').textContent);
const draw = (id, config) => new Chart(document.getElementById(id), config);
draw('cost-by-team', { type: 'bar', data: { labels: d.costByTeam.labels, datasets: [
  { label: d.costByTeam.weeks[0], data: d.costByTeam.current }, { label: d.costByTeam.weeks[1], data: d.costByTeam.previous }] },
  options: { plugins: { title: { display: true, text: 'Cost by team, USD' } } } });
draw('cost-by-provider', { type: 'doughnut', data: { labels: d.costByProvider.labels, datasets: [{ data: d.costByProvider.values }] },
  options: { plugins: { title: { display: true, text: 'Cost by provider, USD' } } } });
draw('latency', { type: 'bar', data: { labels: d.latency.labels, datasets: [
  { label: 'p50', data: d.latency.p50 }, { label: 'p95', data: d.latency.p95 }, { label: 'p99', data: d.latency.p99 }] },
  options: { plugins: { title: { display: true, text: 'Latency of served attempts per route, ms' } } } });
draw('fallback-reasons', { type: 'pie', data: { labels: d.fallbackReasons.labels, datasets: [{ data: d.fallbackReasons.values }] },
  options: { plugins: { title: { display: true, text: 'Fallbacks by reason' } } } });
`;

/**
 * The weekly report as one self-contained HTML page: the Markdown report's tables as
 * preformatted text, four charts drawn by the inlined Chart.js (no network, no CDN), and the
 * report's data as JSON in the page.
 */
export function renderHtml(r: WeeklyReport): string {
  const charts = ['cost-by-team', 'cost-by-provider', 'latency', 'fallback-reasons']
    .map((id) => `<div class="chart"><canvas id="${id}"></canvas></div>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard weekly report ${escapeHtml(r.week)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}.charts{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}.chart{height:320px;position:relative}pre{white-space:pre-wrap;font-size:13px;background:#f6f8fa;padding:1rem}</style>
</head><body>
<h1>Switchyard weekly report ${escapeHtml(r.week)}</h1>
<section class="charts">
${charts}
</section>
<pre>${escapeHtml(renderMarkdown(r))}</pre>
<script id="report-data" type="application/json">${scriptSafe(JSON.stringify(chartData(r)))}</script>
<script>${scriptSafe(chartLibrary())}</script>
<script>${PLOT}</script>
</body></html>
`;
}
