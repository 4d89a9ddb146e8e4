import type { Acknowledgement, Silence } from '../notify/silences.ts';

/** Silences and acknowledgements: what operators said about alerts. */
export interface MuteStore {
  /** Silences not yet ended at `now` (future ones included, so they can be listed). */
  silences(now: number): Promise<Silence[]>;
  addSilence(s: Silence, at: number): Promise<void>;
  /** Ends a silence at `at`; false when there is no such silence. */
  expireSilence(id: string, at: number): Promise<boolean>;
  acknowledgements(): Promise<Acknowledgement[]>;
  acknowledge(a: Acknowledgement): Promise<void>;
}

/** In memory, for the benchmark and unit tests. */
export class MemoryMuteStore implements MuteStore {
  private readonly byId = new Map<string, Silence>();
  private readonly acks: Acknowledgement[] = [];

  async silences(now: number): Promise<Silence[]> {
    return [...this.byId.values()].filter((s) => s.endsAt > now);
  }
  async addSilence(s: Silence): Promise<void> {
    this.byId.set(s.id, s);
  }
  async expireSilence(id: string, at: number): Promise<boolean> {
    const s = this.byId.get(id);
    if (!s) return false;
    this.byId.set(id, { ...s, endsAt: Math.min(s.endsAt, at) });
    return true;
  }
  async acknowledgements(): Promise<Acknowledgement[]> {
    return [...this.acks];
  }
  async acknowledge(a: Acknowledgement): Promise<void> {
    this.acks.push(a);
  }
}
