import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// uuid's own v7 asks WebCrypto for 16 fresh bytes per id (a validated getRandomValues call each
// time); the collector mints two ids per request, and that call showed up at ~4 % of its CPU at
// 1,000 req/s (bench/profiles/collector-hot-path.md). Drawing from a 4 KiB pool refilled by
// randomFillSync keeps the ids as random (CSPRNG bytes, each used once) at a fifth of the cost.

const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom16(): Uint8Array {
  if (next + 16 > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = pool.subarray(next, next + 16);
  next += 16;
  return bytes;
}

/** A UUIDv7 (RFC 9562): `msecs` (Unix ms, default now) in its time field, the rest from the CSPRNG pool. */
export function uuidV7(msecs?: number): string {
  return v7({ msecs, rng: pooledRandom16 });
}
