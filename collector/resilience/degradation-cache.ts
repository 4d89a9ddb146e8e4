import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../core/clock.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { ChatCompletion, ChatRequest } from '../providers/provider.ts';

/**
 * Last good answers per identical request, served only when every provider failed. Bounded by
 * entries and by bytes (JSON size of the stored answers; least recently used first out) and
 * time-limited, on the injected clock (lru-cache). Keys include the caller's key and team, so
 * one tenant's answer is never served to another.
 */
export class DegradationCache {
  private readonly entries: LRUCache<string, ChatCompletion>;

  constructor(clock: Clock, maxEntries = 1000, maxBytes = 32 * 1024 * 1024) {
    // ttlResolution 0: read the clock on every check (no timers), so a test clock is exact. lru-cache
    // takes a start time of 0 for "none", so its clock runs 1 ms ahead of ours (ages are unchanged).
    const perf = { now: () => clock.now() + 1 };
    this.entries = new LRUCache({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (c) => Buffer.byteLength(JSON.stringify(c)), perf, ttlResolution: 0 });
  }

  static key(request: ChatRequest, tags: AttemptTags): string {
    const { model, messages, max_tokens, temperature, top_p, stop, tools, tool_choice, response_format } = request;
    const identity = JSON.stringify([tags.api_key_id, tags.team, model, messages, max_tokens, temperature, top_p, stop, tools, tool_choice, response_format]);
    return createHash('sha256').update(identity).digest('hex');
  }

  /** Stores an answer for `ttlMs` (≥ 1 ms); an answer larger than the byte bound is not kept. */
  put(key: string, completion: ChatCompletion, ttlMs: number): void {
    // lru-cache expires once age > ttl; an entry is gone at ttlMs exactly (integer ms), as before.
    this.entries.set(key, completion, { ttl: Math.max(1, ttlMs - 1) });
  }

  get(key: string): ChatCompletion | null {
    return this.entries.get(key) ?? null;
  }
}
