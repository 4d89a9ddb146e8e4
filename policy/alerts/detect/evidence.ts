/** One window's value for one group, and its volume (requests or attempts behind it). */
export interface WindowValue {
  value: number;
  volume: number;
}

/** What the source hands the evaluator for one group of one rule. */
export interface GroupWindows {
  /** The rule's group_by values. */
  labels: Record<string, string>;
  /** The window ending now; null when no row fell in it. */
  current: WindowValue | null;
  /** Baseline windows, newest first (1 × baseline.every ago, then 2 ×, …); null where a window had no rows. */
  baseline: Array<number | null>;
  /** Today's level against the baseline days' (anomaly rules with level_span): scales the baseline. */
  level?: number;
  /** The line an event crossed, for `budget_event` conditions (the budget engine decided it). */
  threshold?: number;
  /** A sentence from the source about the value (the policy engine's reason for a weight). */
  detail?: string;
}

/**
 * Why a rule is or is not breaching for one group, kept with the alert as its proof.
 * `ratio` is how close the value is to the threshold (≥ 1 breaches; a firing alert resolves
 * below 0.95).
 */
export interface Evidence {
  value: number;
  volume: number;
  threshold: number;
  /** Baseline centre (median or mean); null for static conditions. */
  baseline: number | null;
  /** Baseline spread in sigma units; null for static conditions. */
  spread: number | null;
  /** Upper Tukey fence of the group's peers, when the rule compares peers. */
  peerFence: number | null;
  /** Today's level factor the baseline was scaled by (level_span rules); absent otherwise. */
  level?: number;
  ratio: number;
  /** Volume reached min_volume and the baseline was sufficient. */
  sufficient: boolean;
  /** Baseline window values as a time series, oldest first, for the alert's evidence. */
  series: Array<number | null>;
  /** What the source says about the value (why a deployment has its weight, which budget event); absent for traffic metrics. */
  detail?: string;
}
