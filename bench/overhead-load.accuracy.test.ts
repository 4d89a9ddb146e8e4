import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidV7 } from '../core/ids/uuid-v7.ts';
import { uuidV7Ms } from './overhead-load.ts';

// `seen_after_*` rests on reading the mint time back out of the collector's request ids.
test('uuidV7Ms reads back the Unix ms a collector request id was minted at', () => {
  for (const ms of [0, 1_796_000_000_123, 2 ** 48 - 1]) assert.equal(uuidV7Ms(uuidV7(ms)), ms);
  const before = Date.now();
  const now = uuidV7Ms(uuidV7());
  assert.ok(now !== null && now >= before && now <= Date.now(), 'an id minted now carries now');
});

test('uuidV7Ms ignores ids that carry no time: other UUID versions, other strings, repeated headers', () => {
  assert.equal(uuidV7Ms('3b241101-e2bb-4255-8caf-4136c566a962'), null); // v4
  assert.equal(uuidV7Ms('chatcmpl-123'), null);
  assert.equal(uuidV7Ms(undefined), null);
  assert.equal(uuidV7Ms(['01a231ee-6696-72da-be24-53a4c8bb6172']), null);
});
