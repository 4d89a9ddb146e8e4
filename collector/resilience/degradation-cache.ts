import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { ChatCompletion, ChatRequest } from '../providers/provider.ts';

/**
 * Last good answers per identical request, served only when every provider failed. Bounded
 * (least recently stored first out) and time-limited. Keys include the caller's key and team,
 * so one tenant's answer is never served to another.
 */
export class DegradationCache {
  private readonly entries = new Map<string, { completion: ChatCompletion; expiresAtMs: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 1000,
  ) {}

  static key(request: ChatRequest, tags: AttemptTags): string {
    const { model, messages, max_tokens, temperature, top_p, stop, tools, tool_choice, response_format } = request;
    const identity = JSON.stringify([tags.api_key_id, tags.team, model, messages, max_tokens, temperature, top_p, stop, tools, tool_choice, response_format]);
    return createHash('sha256').update(identity).digest('hex');
  }

  put(key: string, completion: ChatCompletion, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { completion, expiresAtMs: this.clock.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get(key: string): ChatCompletion | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.completion;
  }
}
