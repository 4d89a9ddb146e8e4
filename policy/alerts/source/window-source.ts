import type { GroupWindows } from '../detect/evidence.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';

/**
 * Reads a rule's windows for every group: `baseline[i]` of each result is window i + 1 of
 * `windows`. The seam between the pure evaluator and the rollups (ClickHouse in production,
 * memory in tests and the benchmark).
 */
export interface WindowSource {
  read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]>;
}
