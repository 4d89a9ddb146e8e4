import { createHash } from 'node:crypto';
import type { VirtualKeyConfig } from '../config/routes-config.ts';

export type KeyCheck =
  /** No keys configured: open mode, the caller's key is only hashed into an id. */
  { kind: 'open' } | { kind: 'key'; key: VirtualKeyConfig } | { kind: 'unknown' };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The configured client keys, looked up by the SHA-256 of what the caller presents. */
export class KeyRing {
  private byHash: Map<string, VirtualKeyConfig>;

  constructor(keys: readonly VirtualKeyConfig[]) {
    this.byHash = new Map(keys.map((k) => [k.sha256, k]));
  }

  /** Takes the keys of a reloaded config; requests already admitted are unaffected. */
  replace(keys: readonly VirtualKeyConfig[]): void {
    this.byHash = new Map(keys.map((k) => [k.sha256, k]));
  }

  check(authorization: string | undefined, xApiKey?: string): KeyCheck {
    if (this.byHash.size === 0) return { kind: 'open' };
    const presented = (authorization ?? '').replace(/^Bearer\s+/i, '').trim() || (xApiKey ?? '').trim();
    if (!presented) return { kind: 'unknown' };
    const key = this.byHash.get(sha256Hex(presented));
    return key ? { kind: 'key', key } : { kind: 'unknown' };
  }
}
