/**
 * Remembers which deployment served a conversation, so its next turns go there first (provider
 * prompt caches stay warm, answers stay consistent). Bounded: least recently used conversations
 * are forgotten past `maxEntries`, and any after `ttlMs` of silence. Pure: callers pass `nowMs`.
 */
export class StickySessions {
  private readonly entries = new Map<string, { deployment: string; lastUsedMs: number }>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly ttlMs = 30 * 60_000,
  ) {}

  get(conversation: string, nowMs: number): string | null {
    const entry = this.entries.get(conversation);
    if (!entry) return null;
    if (nowMs - entry.lastUsedMs > this.ttlMs) {
      this.entries.delete(conversation);
      return null;
    }
    return entry.deployment;
  }

  remember(conversation: string, deployment: string, nowMs: number): void {
    // Re-inserting moves the key to the end: Map order is the LRU order.
    this.entries.delete(conversation);
    this.entries.set(conversation, { deployment, lastUsedMs: nowMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
