import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidV7 } from './uuid-v7.ts';

test('uuidV7: RFC 9562 version 7 and variant, the given time in its first 48 bits, distinct across pool refills', () => {
  const at = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
  const id = uuidV7(at);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
  // 1,000 ids use the 4 KiB pool four times over: no bytes may be handed out twice.
  const ids = new Set(Array.from({ length: 1000 }, () => uuidV7(at)));
  assert.equal(ids.size, 1000);
  const now = Date.now();
  assert.ok(Math.abs(parseInt(uuidV7().replace(/-/g, '').slice(0, 12), 16) - now) < 1000);
});
