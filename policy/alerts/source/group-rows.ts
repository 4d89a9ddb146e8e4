import type { GroupWindows } from '../detect/evidence.ts';
import type { TimeWindow } from './window-plan.ts';

/** A row of a window query: the group's dimension values, its 1-based window, value and volume. */
export type WindowRow = Record<string, unknown> & { w: number | string; value: number | string | null; volume: number | string };

/**
 * Folds window rows into one GroupWindows per group: window 1 is the current one, the others the
 * baseline (null where no row came back). Dimension values are read through `columnOf`.
 */
export function groupWindowRows(
  rows: readonly WindowRow[],
  dims: readonly string[],
  windows: readonly TimeWindow[],
  columnOf: (dimension: string) => string = (d) => d,
): GroupWindows[] {
  const groups = new Map<string, GroupWindows>();
  for (const r of rows) {
    const labels = Object.fromEntries(dims.map((d) => [d, String((r[columnOf(d)] as string | number | null | undefined) ?? '')]));
    const key = JSON.stringify(labels);
    const g = groups.get(key) ?? { labels, current: null, baseline: windows.slice(1).map(() => null) };
    groups.set(key, g);
    const index = Number(r.w) - 1;
    if (r.value === null) continue;
    if (index === 0) g.current = { value: Number(r.value), volume: Number(r.volume) };
    else g.baseline[index - 1] = Number(r.value);
  }
  return [...groups.values()];
}
