import { LRUCache } from 'lru-cache';

/**
 * Remembers which deployment serves a conversation, so its next turns go there first (provider
 * prompt caches stay warm, answers stay consistent). Bounded: least recently used conversations
 * are forgotten past `maxEntries`, and any after `ttlMs` without a new answer (lru-cache). Pure:
 * callers pass `nowMs`, which is the only clock the cache reads.
 */
export class StickySessions {
  private nowMs = 0;
  private readonly entries: LRUCache<string, string>;

  constructor(maxEntries = 100_000, ttlMs = 30 * 60_000) {
    // ttlResolution 0: no timers, the time is the caller's nowMs — plus 1, because lru-cache takes
    // a start time of 0 for "none" (ages are unchanged).
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: { now: () => this.nowMs + 1 } });
  }

  get(conversation: string, nowMs: number): string | null {
    this.nowMs = nowMs;
    return this.entries.get(conversation) ?? null;
  }

  remember(conversation: string, deployment: string, nowMs: number): void {
    this.nowMs = nowMs;
    this.entries.set(conversation, deployment);
  }

  get size(): number {
    return this.entries.size;
  }
}
