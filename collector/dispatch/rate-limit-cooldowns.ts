import type { Clock } from '../../core/clock.ts';

/**
 * When each deployment may be called again after a 429 that said Retry-After. Shared by all
 * requests of the process: a provider asking for 30 s gets 30 s from every request, not one
 * call per request. Keys are route/deployment names (bounded by the config).
 */
export class RateLimitCooldowns {
  private readonly until = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Records a Retry-After of `retryAfterMs` (ms from now); a later deadline never shrinks. */
  note(key: string, retryAfterMs: number): void {
    if (retryAfterMs <= 0) return;
    const until = this.clock.now() + retryAfterMs;
    if (until > (this.until.get(key) ?? 0)) this.until.set(key, until);
  }

  /** Milliseconds until `key` may be called again; 0 when it may now. */
  remainingMs(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left > 0) return left;
    this.until.delete(key);
    return 0;
  }
}
