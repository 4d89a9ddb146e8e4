import type { GroupWindows } from '../detect/evidence.ts';
import { alertMetrics, type AlertDimension } from '../rules/alert-metrics.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import { metricValue, minuteCountFields, type MinuteCounts } from './minute-counts.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';

/** One per-minute rollup row: its dimensions and counters. */
export interface MinuteBucket extends MinuteCounts {
  /** Start of the minute, epoch ms. */
  minuteMs: number;
  dims: Partial<Record<AlertDimension, string>>;
}

interface Series {
  dims: Partial<Record<AlertDimension, string>>;
  /** prefix[f][i] = Σ field f over minutes [origin, origin + i); quantiles weighted by attempts. */
  prefix: Float64Array[];
  perMinute: Float64Array[];
}

const QUANTILE_FIELDS = new Set(['p95_latency_ms', 'p99_latency_ms', 'p95_ttft_ms', 'p99_ttft_ms']);

/**
 * Per-minute buckets held in memory with prefix sums, so any window is O(1) per series: the
 * source behind the benchmark's simulated month and the evaluator's tests. Quantiles of a window
 * are the attempt-weighted mean of its minutes' quantiles — an approximation the ClickHouse
 * source does not need (it merges TDigest states).
 */
export class MemoryWindowSource implements WindowSource {
  private readonly series: Series[] = [];
  private readonly origin: number;
  private readonly minutes: number;

  constructor(buckets: readonly MinuteBucket[]) {
    // Loops, not Math.min(...spread): a simulated month is millions of buckets.
    let first = Infinity;
    let last = -Infinity;
    for (const b of buckets) {
      first = Math.min(first, b.minuteMs);
      last = Math.max(last, b.minuteMs);
    }
    this.origin = buckets.length ? first : 0;
    this.minutes = buckets.length ? (last - first) / 60_000 + 1 : 0;
    const byKey = new Map<string, Series>();
    for (const b of buckets) {
      const key = JSON.stringify(Object.entries(b.dims).sort());
      let s = byKey.get(key);
      if (!s) {
        s = { dims: b.dims, prefix: [], perMinute: minuteCountFields.map(() => new Float64Array(this.minutes)) };
        byKey.set(key, s);
        this.series.push(s);
      }
      const i = (b.minuteMs - this.origin) / 60_000;
      minuteCountFields.forEach((f, j) => {
        s!.perMinute[j]![i]! += QUANTILE_FIELDS.has(f) ? b[f] * b.attempts : b[f];
      });
    }
    for (const s of this.series) {
      s.prefix = s.perMinute.map((xs) => {
        const p = new Float64Array(xs.length + 1);
        for (let i = 0; i < xs.length; i++) p[i + 1] = p[i]! + xs[i]!;
        return p;
      });
    }
  }

  async read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    const groups = new Map<string, { labels: Record<string, string>; members: Series[] }>();
    for (const s of this.series) {
      if (!matchesFilters(s.dims, rule.filters)) continue;
      const labels = Object.fromEntries(rule.group_by.map((d) => [d, s.dims[d] ?? '']));
      const key = JSON.stringify(labels);
      const g = groups.get(key) ?? { labels, members: [] };
      g.members.push(s);
      groups.set(key, g);
    }
    return [...groups.values()].map(({ labels, members }) => {
      const values = windows.map((w) => this.windowValue(rule, members, w));
      return { labels, current: values[0] ?? null, baseline: values.slice(1).map((v) => v?.value ?? null) };
    });
  }

  private windowValue(rule: AlertRule, members: readonly Series[], w: TimeWindow) {
    const from = clampIndex((w.startMs - this.origin) / 60_000, this.minutes);
    const to = clampIndex((w.endMs - this.origin) / 60_000, this.minutes);
    if (to <= from) return null;
    const sums = {} as MinuteCounts;
    minuteCountFields.forEach((f, j) => {
      let total = 0;
      for (const s of members) total += s.prefix[j]![to]! - s.prefix[j]![from]!;
      sums[f] = total;
    });
    const value = metricValue(rule.metric, sums);
    if (!value || alertMetrics[rule.metric].kind !== 'additive' || rule.aggregation === 'sum') return value;
    if (rule.aggregation === 'avg_per_minute') return { ...value, value: value.value / ((w.endMs - w.startMs) / 60_000) };
    const j = minuteCountFields.indexOf(rule.metric as 'spend_usd');
    let max = 0;
    for (let i = from; i < to; i++)
      max = Math.max(
        max,
        members.reduce((acc, s) => acc + s.perMinute[j]![i]!, 0),
      );
    return { ...value, value: max };
  }
}

/** A filter value matches when it equals the dimension (or is one of a list). */
export function matchesFilters(dims: Partial<Record<AlertDimension, string>>, filters: AlertRule['filters']): boolean {
  return Object.entries(filters).every(([d, want]) => {
    const have = dims[d as AlertDimension] ?? '';
    return Array.isArray(want) ? want.includes(have) : want === have;
  });
}

function clampIndex(i: number, n: number): number {
  return Math.max(0, Math.min(n, Math.floor(i)));
}
