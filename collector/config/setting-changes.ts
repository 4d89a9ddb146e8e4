import { isDeepStrictEqual } from 'node:util';

/**
 * The settings that differ between the running and a reloaded routes file and are NOT in `live`
 * (the ones the running process applies on reload), so the reload can say which need a restart.
 * `live` names top-level keys (`routes`) or one level below (`budgets.limits`); a top-level key
 * with live children is compared child by child, anything else as a whole. Pure.
 */
export function settingsNeedingRestart(running: Record<string, unknown>, next: Record<string, unknown>, live: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(running), ...Object.keys(next)])) {
    const [before, after] = [running[key], next[key]];
    if (live.includes(key) || isDeepStrictEqual(before, after)) continue;
    const liveChildren = live.filter((l) => l.startsWith(`${key}.`));
    if (liveChildren.length === 0 || !isRecord(before) || !isRecord(after)) {
      out.push(key);
      continue;
    }
    for (const child of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!liveChildren.includes(`${key}.${child}`) && !isDeepStrictEqual(before[child], after[child])) out.push(`${key}.${child}`);
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
