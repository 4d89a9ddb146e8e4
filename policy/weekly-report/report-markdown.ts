import { groupName } from '../../core/events/attempt-event.ts';
import { change, duration, labels, pcts, share, usd, when } from './report-format.ts';
import type { CostRow, WeeklyReport } from './weekly-report.ts';

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)].join(
    '\n',
  );
const costTable = (title: string, rows: CostRow[]) =>
  `### ${title}\n\n${
    rows.length
      ? table(
          [title.replace('By ', ''), 'this week', 'week before', 'change'],
          rows.map((r) => [groupName(r.key), usd(r.costUsd), usd(r.previousUsd), change(r.change)]),
        )
      : '_No spend._'
  }`;

/** The weekly report as Markdown: one section per topic, tables only (the HTML page has the charts). */
export function renderMarkdown(r: WeeklyReport): string {
  const sections = [
    `# Switchyard weekly report ${r.week}\n\n${when(r.fromMs)} – ${when(r.toMs)} UTC · compared with ${r.previousWeek} · generated ${when(r.generatedAtMs)} UTC`,
    `## Performance\n\n${table(
      ['route', 'requests', 'served', 'latency p50 / p95 / p99', 'TTFT p50 / p95 / p99', 'goodput', 'SLO'],
      r.performance.map((p) => [p.route, String(p.requests), String(p.served), pcts(p.latencyMs), pcts(p.ttftMs), share(p.goodput.share), p.goodput.slo]),
    )}`,
    `## Cost\n\nTotal ${usd(r.cost.totalUsd)} (week before ${usd(r.cost.previousTotalUsd)}, ${change(r.cost.change)}).\n\n${[costTable('By team', r.cost.byTeam), costTable('By project', r.cost.byProject), costTable('By model', r.cost.byModel), costTable('By provider', r.cost.byProvider)].join('\n\n')}`,
    `## Fallbacks\n\n${table(
      ['route', 'requests', 'fallbacks', 'rate', 'reasons'],
      r.fallbacks.map((f) => [
        f.route,
        String(f.requests),
        String(f.fallbacks),
        share(f.rate),
        Object.entries(f.reasons)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '–',
      ]),
    )}`,
    `## Parity\n\n${
      r.parity.deployments.length
        ? table(
            ['route', 'deployment', 'checked', 'kept contract', 'rate'],
            r.parity.deployments.map((d) => [d.route, d.deployment, String(d.checked), String(d.ok), share(d.rate)]),
          )
        : '_No answers with a contract._'
    }\n\n${
      r.parity.pairs.length
        ? table(
            ['route', 'served by', 'shadow alternate', 'shadowed', 'matched', 'rate', 'shadow spend'],
            r.parity.pairs.map((p) => [p.route, p.deployment, p.alternate, String(p.shadowed), String(p.matches), share(p.rate), usd(p.costUsd)]),
          )
        : '_No shadow traffic._'
    }`,
    `## Budgets\n\n${
      r.budgets === null
        ? '_Budgets are not set up in this store._'
        : r.budgets.length
          ? table(
              ['budget', 'subject', 'period', 'limit', 'spent', 'forecast', 'status'],
              r.budgets.map((b) => [b.budgetId, b.subject, b.period, usd(b.limitUsd), usd(b.spentUsd), usd(b.forecastUsd), b.status]),
            )
          : '_No budget was evaluated this week._'
    }`,
    `## Alerts\n\n${
      r.alerts.length
        ? table(
            ['rule', 'severity', 'labels', 'fired', 'resolved', 'firing for'],
            r.alerts.map((a) => [
              a.rule,
              a.severity,
              labels(a.labels),
              when(a.firedAtMs),
              a.resolvedAtMs === null ? 'still firing' : when(a.resolvedAtMs),
              duration(a.durationMs),
            ]),
          )
        : '_No alert fired._'
    }`,
    `## What changed\n\n${
      r.changes.length
        ? table(
            ['when', 'kind', 'who', 'what', 'why'],
            r.changes.map((c) => [when(c.atMs), c.kind, c.actor || `${c.host}:${c.pid}`, c.subject, c.reason || summarize(c.detail)]),
          )
        : '_Nothing changed._'
    }`,
  ];
  return `${sections.join('\n\n')}\n`;
}

/** A reload's diff in a few words: counts per kind of change. */
export function summarize(detail: string): string {
  try {
    const d = JSON.parse(detail) as Record<string, { added?: string[]; removed?: string[]; changed?: unknown[] }>;
    const parts = Object.entries(d).flatMap(([k, l]) =>
      l && typeof l === 'object' && 'added' in l ? [[k, l.added?.length ?? 0, l.removed?.length ?? 0, l.changed?.length ?? 0] as const] : [],
    );
    return (
      parts
        .filter(([, a, r, c]) => a + r + c > 0)
        .map(([k, a, r, c]) => `${k} +${a} −${r} ~${c}`)
        .join('; ') || detail.slice(0, 120)
    );
  } catch {
    return detail.slice(0, 120);
  }
}
