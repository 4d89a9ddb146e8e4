/** One stored circuit report of one collector: a state change, or a heartbeat of a state still in force. */
export interface CircuitReport {
  route: string;
  deployment: string;
  collector: string;
  state: 'open' | 'half_open' | 'closed';
  /** ms since epoch. */
  atMs: number;
}

/**
 * Seconds during [fromMs, nowMs] in which at least one collector had the deployment's circuit
 * open or half-open (a half-open circuit lets one probe through and refuses the rest), keyed
 * `route\0deployment`. Per collector, a non-closed report lasts until that collector's next
 * report, but no longer than `graceMs` after it (collectors re-report a circuit that stays open
 * every minute, so a collector that died with an open circuit stops counting), nor past `nowMs`.
 * Collectors are unioned, not summed: two collectors seeing the same outage count it once.
 * Pure: the reports and the clock come in.
 */
export function circuitOpenSeconds(reports: readonly CircuitReport[], fromMs: number, nowMs: number, graceMs: number): Map<string, number> {
  const perCollector = new Map<string, CircuitReport[]>();
  for (const r of reports) {
    const k = `${r.route}\u0000${r.deployment}\u0000${r.collector}`;
    if (!perCollector.has(k)) perCollector.set(k, []);
    perCollector.get(k)!.push(r);
  }
  const intervals = new Map<string, Array<[number, number]>>();
  for (const rows of perCollector.values()) {
    rows.sort((a, b) => a.atMs - b.atMs);
    for (const [i, r] of rows.entries()) {
      if (r.state === 'closed') continue;
      const end = Math.min(rows[i + 1]?.atMs ?? Infinity, r.atMs + graceMs, nowMs);
      const start = Math.max(r.atMs, fromMs);
      if (end <= start) continue;
      const key = `${r.route}\u0000${r.deployment}`;
      if (!intervals.has(key)) intervals.set(key, []);
      intervals.get(key)!.push([start, end]);
    }
  }
  return new Map([...intervals].map(([key, list]) => [key, unionLengthMs(list) / 1000]));
}

/** Total length of the union of half-open intervals [start, end), ms. */
export function unionLengthMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [start, end] of sorted) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}
