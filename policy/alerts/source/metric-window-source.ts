import type { GroupWindows } from '../detect/evidence.ts';
import { alertMetrics, type MetricSource } from '../rules/alert-metrics.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';

/** Hands each rule to the source its metric lives in (traffic rollups, parity, budgets, routing decisions). */
export class MetricWindowSource implements WindowSource {
  constructor(private readonly sources: Readonly<Record<MetricSource, WindowSource>>) {}

  read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    return this.sources[alertMetrics[rule.metric].source].read(rule, windows);
  }
}
