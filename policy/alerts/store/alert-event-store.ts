import type { AlertInstance } from '../detect/evaluate-rule.ts';

/** Alert states and their history. */
export interface AlertEventStore {
  /** The newest state of every alert that is not ok, to carry pending and firing across a restart. */
  loadActive(): Promise<AlertInstance[]>;
  record(instances: readonly AlertInstance[]): Promise<void>;
}

/** Keeps only the newest state per alert, in memory (benchmark, unit tests). */
export class MemoryAlertEventStore implements AlertEventStore {
  private readonly latest = new Map<string, AlertInstance>();
  recorded = 0;

  async loadActive(): Promise<AlertInstance[]> {
    return [...this.latest.values()].filter((a) => a.state.state !== 'ok');
  }
  async record(instances: readonly AlertInstance[]): Promise<void> {
    this.recorded += instances.length;
    for (const a of instances) this.latest.set(a.fingerprint, a);
  }
}
