import { mean, median, medianAbsoluteDeviation, quantile } from 'simple-statistics';

/** Scales a MAD to a standard deviation for normal data (1 / Φ⁻¹(3/4)), so `sensitivity` reads as sigmas. */
export const MAD_TO_SIGMA = 1.4826;

/** Centre and spread of a baseline. Spread is the MAD scaled to sigma (median) or the sample standard deviation (mean). */
export interface BaselineSummary {
  centre: number;
  spread: number;
  samples: number;
}

/** Median + scaled MAD (robust: one past incident in the baseline does not move it), or mean + standard deviation. */
export function summarizeBaseline(values: readonly number[], statistic: 'median' | 'mean'): BaselineSummary | null {
  if (values.length === 0) return null;
  const xs = [...values];
  if (statistic === 'median') return { centre: median(xs), spread: MAD_TO_SIGMA * medianAbsoluteDeviation(xs), samples: xs.length };
  const centre = mean(xs);
  const variance = xs.reduce((acc, x) => acc + (x - centre) ** 2, 0) / Math.max(1, xs.length - 1);
  return { centre, spread: Math.sqrt(variance), samples: xs.length };
}

/**
 * Tukey's upper fence Q3 + k × IQR (k = 1.5 "outlier", 3 "far out"), the rule ClickHouse's
 * `seriesOutliersDetectTukey` applies with its default 25th/75th percentiles.
 */
export function tukeyUpperFence(values: readonly number[], k: number): number | null {
  if (values.length === 0) return null;
  const xs = [...values];
  const q1 = quantile(xs, 0.25);
  const q3 = quantile(xs, 0.75);
  return q3 + k * (q3 - q1);
}
