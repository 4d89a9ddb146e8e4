import { alertMetrics, type MetricKind } from '../rules/alert-metrics.ts';
import type { AlertRule, AnomalyCondition } from '../rules/alert-rule-schema.ts';
import type { Evidence, GroupWindows, WindowValue } from './evidence.ts';
import { summarizeBaseline, tukeyUpperFence } from './robust-stats.ts';

/** Fewer baseline windows with data than this and an anomaly rule abstains (no false alarm on a new key). */
export const MIN_BASELINE_WINDOWS = 3;

/**
 * Evidence for one group: its value, the threshold it is held to and how close it is (ratio).
 * `peers` are the growth ratios (current value / own baseline centre) of the other groups
 * sharing the rule's `peers.by` label.
 * Pure: no clock, no I/O.
 */
export function evaluateCondition(rule: AlertRule, group: GroupWindows & { current: WindowValue }, peers: readonly number[] = []): Evidence {
  const { value, volume } = group.current;
  const c = rule.condition;
  const enoughVolume = volume >= rule.min_volume;
  const detail = group.detail;
  if (c.type === 'static') {
    const ratio = c.op === '>' ? ratioAbove(value, c.threshold) : ratioAbove(c.threshold, value);
    return { value, volume, threshold: c.threshold, baseline: null, spread: null, peerFence: null, ratio, sufficient: enoughVolume, series: [], detail };
  }
  if (c.type === 'budget_event') {
    // The budget engine raised the event: a breach by definition, held to the line it crossed.
    const threshold = group.threshold ?? 1;
    const ratio = Math.max(1, ratioAbove(value, threshold));
    return { value, volume, threshold, baseline: null, spread: null, peerFence: null, ratio, sufficient: true, series: [], detail };
  }
  const known = group.baseline.filter((v): v is number => v !== null);
  // With level_span the baseline windows arrive already rescaled to today's level (seasonal-level.ts).
  const summary = summarizeBaseline(known, c.statistic);
  if (!summary || summary.samples < MIN_BASELINE_WINDOWS) {
    return {
      value,
      volume,
      threshold: Number.NaN,
      baseline: summary?.centre ?? null,
      spread: summary?.spread ?? null,
      peerFence: null,
      ratio: 0,
      sufficient: false,
      series: oldestFirst(group.baseline),
      detail,
    };
  }
  const kind = alertMetrics[rule.metric].kind;
  if (c.direction === 'down') return fallEvidence(c, kind, group, summary, detail, enoughVolume);
  let threshold = Math.max(anomalyThreshold(c, summary.centre, summary.spread), samplingThreshold(kind, summary.centre, volume, c.noise_z));
  if (c.weekly) {
    const lastWeek = group.baseline[604_800_000 / c.baseline.every - 1];
    if (lastWeek !== null && lastWeek !== undefined) threshold = Math.max(threshold, lastWeek * c.min_ratio);
  }
  let ratio = ratioAbove(value, threshold);
  let peerFence: number | null = null;
  let sufficient = enoughVolume;
  if (c.peers) {
    // Growth against each one's own baseline, so a big key is not an outlier for being big.
    const growth = summary.centre > 0 ? value / summary.centre : Number.POSITIVE_INFINITY;
    peerFence = peers.length >= c.peers.min_peers ? tukeyUpperFence(peers, c.peers.fence) : null;
    // Both tests must hold: the smaller ratio decides, so the alert also resolves when either clears.
    if (peerFence === null) sufficient = false;
    else ratio = Math.min(ratio, ratioAbove(growth, peerFence));
  }
  return {
    value,
    volume,
    threshold,
    baseline: summary.centre,
    spread: summary.spread,
    peerFence,
    ratio,
    sufficient,
    series: oldestFirst(group.baseline),
    detail,
    ...(group.level === undefined ? {} : { level: group.level }),
  };
}

/**
 * A fall below the baseline (`direction: down`): threshold = min(centre − k·σ, centre ÷ min_ratio,
 * centre − min_delta, the lower sampling band, min_ratio⁻¹ × a week ago), ratio = threshold ÷ value.
 */
function fallEvidence(
  c: AnomalyCondition,
  kind: MetricKind,
  group: GroupWindows & { current: WindowValue },
  summary: { centre: number; spread: number },
  detail: string | undefined,
  sufficient: boolean,
): Evidence {
  const { value, volume } = group.current;
  const { centre, spread } = summary;
  let threshold = Math.min(centre - c.sensitivity * spread, centre / c.min_ratio, centre - c.min_delta, samplingFloor(kind, centre, volume, c.noise_z));
  if (c.weekly) {
    const lastWeek = group.baseline[604_800_000 / c.baseline.every - 1];
    if (lastWeek !== null && lastWeek !== undefined) threshold = Math.min(threshold, lastWeek / c.min_ratio);
  }
  const ratio = threshold <= 0 ? 0 : ratioAbove(threshold, value);
  return { value, volume, threshold, baseline: centre, spread, peerFence: null, ratio, sufficient, series: oldestFirst(group.baseline), detail };
}

/** The lower sampling band: the count must fall to (√expected − z/2)² before it is evidence of a fall. */
export function samplingFloor(kind: MetricKind, centre: number, volume: number, z: number): number {
  if (kind === 'quantile' || kind === 'level') return centre;
  if (volume <= 0) return Number.NEGATIVE_INFINITY;
  if (kind === 'ratio') return Math.max(0, Math.sqrt(centre * volume) - z / 2) ** 2 / volume;
  return (centre * Math.max(0, Math.sqrt(volume) - z / 2) ** 2) / volume;
}

/** Evidence shows the baseline as a time series (oldest first); sources hand it newest first. */
function oldestFirst(baseline: ReadonlyArray<number | null>): Array<number | null> {
  return [...baseline].reverse();
}

/** max(centre + k·σ, centre × min_ratio, centre + min_delta): robust band, relative floor, absolute floor. */
export function anomalyThreshold(c: AnomalyCondition, centre: number, spread: number): number {
  return Math.max(centre + c.sensitivity * spread, centre * c.min_ratio, centre + c.min_delta);
}

/**
 * The smallest value a window of `volume` requests/attempts can show before it is evidence of
 * a change from `centre` rather than sampling noise. Counts are treated as Poisson and compared
 * on Anscombe's variance-stabilised scale, where 2(√observed − √expected) is ~N(0, 1): the
 * observed count must reach (√expected + z/2)². For ratios the count is the numerator; for
 * additive metrics the requests behind the spend, scaled back to the metric. Quantiles and levels
 * have no count to test and rely on min_volume.
 */
export function samplingThreshold(kind: MetricKind, centre: number, volume: number, z: number): number {
  if (kind === 'quantile' || kind === 'level') return centre;
  if (volume <= 0) return Number.POSITIVE_INFINITY;
  if (kind === 'ratio') return (Math.sqrt(centre * volume) + z / 2) ** 2 / volume;
  return (centre * (Math.sqrt(volume) + z / 2) ** 2) / volume;
}

/** value / threshold, with a zero threshold meaning any positive value breaches. */
function ratioAbove(value: number, threshold: number): number {
  if (threshold > 0) return value / threshold;
  return value > threshold ? Number.POSITIVE_INFINITY : 0;
}
