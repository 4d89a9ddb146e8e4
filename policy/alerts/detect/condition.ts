import type { AlertRule, AnomalyCondition } from '../rules/alert-rule-schema.ts';
import type { Evidence, GroupWindows, WindowValue } from './evidence.ts';
import { summarizeBaseline, tukeyUpperFence } from './robust-stats.ts';

/** Fewer baseline windows with data than this and an anomaly rule abstains (no false alarm on a new key). */
export const MIN_BASELINE_WINDOWS = 3;

/**
 * Evidence for one group: its value, the threshold it is held to and how close it is (ratio).
 * `peers` are the current values of the other groups sharing the rule's `peers.by` label.
 * Pure: no clock, no I/O.
 */
export function evaluateCondition(rule: AlertRule, group: GroupWindows & { current: WindowValue }, peers: readonly number[] = []): Evidence {
  const { value, volume } = group.current;
  const c = rule.condition;
  const enoughVolume = volume >= rule.min_volume;
  if (c.type === 'static') {
    const ratio = c.op === '>' ? ratioAbove(value, c.threshold) : ratioAbove(c.threshold, value);
    return { value, volume, threshold: c.threshold, baseline: null, spread: null, peerFence: null, ratio, sufficient: enoughVolume, series: [] };
  }
  const known = group.baseline.filter((v): v is number => v !== null);
  const summary = summarizeBaseline(known, c.statistic);
  if (!summary || summary.samples < MIN_BASELINE_WINDOWS) {
    return { value, volume, threshold: Number.NaN, baseline: summary?.centre ?? null, spread: summary?.spread ?? null, peerFence: null, ratio: 0, sufficient: false, series: group.baseline };
  }
  const threshold = anomalyThreshold(c, summary.centre, summary.spread);
  let ratio = ratioAbove(value, threshold);
  let peerFence: number | null = null;
  let sufficient = enoughVolume;
  if (c.peers) {
    peerFence = peers.length >= c.peers.min_peers ? tukeyUpperFence(peers, c.peers.fence) : null;
    // Both tests must hold: the smaller ratio decides, so the alert also resolves when either clears.
    if (peerFence === null) sufficient = false;
    else ratio = Math.min(ratio, ratioAbove(value, peerFence));
  }
  return { value, volume, threshold, baseline: summary.centre, spread: summary.spread, peerFence, ratio, sufficient, series: group.baseline };
}

/** max(centre + k·σ, centre × min_ratio, centre + min_delta): robust band, relative floor, absolute floor. */
export function anomalyThreshold(c: AnomalyCondition, centre: number, spread: number): number {
  return Math.max(centre + c.sensitivity * spread, centre * c.min_ratio, centre + c.min_delta);
}

/** value / threshold, with a zero threshold meaning any positive value breaches. */
function ratioAbove(value: number, threshold: number): number {
  if (threshold > 0) return value / threshold;
  return value > threshold ? Number.POSITIVE_INFINITY : 0;
}
