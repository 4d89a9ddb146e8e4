import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import type { RawAttemptMessage } from '../core/transport/event-bus.ts';
import { assertGrowsBy } from '../test/support/copies.ts';
import { freshEmbeddedStore, scalar } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';
import { DEDUPE_WINDOW_DAYS, firstOccurrences, storedElsewhere } from './attempt-dedupe.ts';
import { createAttemptWriter } from './attempt-writer.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose().catch(() => undefined));

const at = (values: string[], firstOffset: number, partition = 0): RawAttemptMessage[] =>
  values.map((value, i) => ({ key: null, value, partition, offset: String(firstOffset + i) }));
const eventsOf = (team: string, n: number) =>
  Array.from({ length: n }, () => serializeAttemptEvent(sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team } })));
const count = (q: string) => scalar(store.client, q).then(Number);
const growsBy = (rows: number, action: () => Promise<void>) => assertGrowsBy(store.client, rows, action);

/** Records what reaches `attempts`: the token and the ids of every insert. */
function recording(client: ClickHouseClient): { client: ClickHouseClient; inserts: string[] } {
  const inserts: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'insert') return Reflect.get(target, prop, receiver);
      return async (params: Parameters<ClickHouseClient['insert']>[0]) => {
        if (params.table === 'attempts')
          inserts.push(`${params.clickhouse_settings?.insert_deduplication_token}:${(params.values as unknown[][]).map((v) => v[0]).join(',')}`);
        return target.insert(params);
      };
    },
  });
  return { client: wrapped, inserts };
}

test('first occurrences keep the earliest copy of each attempt id, in order', () => {
  const rows = [{ id: 'A' }, { id: 'b' }, { id: 'a' }, { id: 'c' }, { id: 'B' }];
  assert.deepEqual(
    firstOccurrences(rows, (r) => ({ attempt_id: r.id, started_at: '' })).map((r) => r.id),
    ['A', 'b', 'c'],
  );
});

test('the window in the schema is the documented one', async () => {
  const ddl = await scalar(store.client, "SELECT create_table_query FROM system.tables WHERE name = 'attempt_ids_v1'");
  assert.match(ddl, new RegExp(`TTL stored_at \\+ (INTERVAL ${DEDUPE_WINDOW_DAYS} DAY|toIntervalDay\\(${DEDUPE_WINDOW_DAYS}\\))`));
});

test('copies at new offsets are stored once in raw and counted once in every rollup; duplicates inside one batch too', async () => {
  const events = eventsOf('copies', 6);
  const { handle, stats } = createAttemptWriter({ clickhouse: store.client, source: 'copies' });
  await growsBy(8, async () => {
    await handle(at([...events, events[0]!], 0)); // a copy inside the batch
    await handle(at([events[2]!, ...eventsOf('copies', 2), events[5]!], 7)); // copies at later offsets
  });
  assert.equal(stats.duplicates, 3);
  assert.equal(stats.stored, 8);
});

test('a copy arriving through another source (a replayed or renamed topic) is recognised too', async () => {
  const events = eventsOf('other-source', 3);
  await createAttemptWriter({ clickhouse: store.client, source: 'topic-a' }).handle(at(events, 0));
  const second = createAttemptWriter({ clickhouse: store.client, source: 'topic-b' });
  await second.handle(at(events, 0));
  assert.equal(second.stats.duplicates, 3);
  assert.equal(await count("SELECT count() FROM attempts WHERE team = 'other-source'"), 3);
});

test('the lookup ignores rows stored by this very batch range, and sees them from any other range', async () => {
  const event = sampleAttemptEvent({ tags: { ...sampleAttemptEvent().tags, team: 'identity' } });
  await createAttemptWriter({ clickhouse: store.client, source: 'identity' }).handle(at([serializeAttemptEvent(event)], 40, 2));
  const key = [{ attempt_id: event.attempt_id, started_at: event.started_at }];
  const range = { source: 'identity', source_partition: 2, batch_first_offset: 40, batch_last_offset: 40 };
  assert.equal((await storedElsewhere(store.client, key, range)).size, 0, 'its own range');
  assert.equal((await storedElsewhere(store.client, key, { ...range, batch_last_offset: 41 })).size, 1, 'a longer range from the same offset');
  assert.equal((await storedElsewhere(store.client, key, { ...range, source_partition: 1 })).size, 1, 'another partition');
  assert.equal(
    (await storedElsewhere(store.client, [{ ...key[0]!, started_at: '2020-01-01T00:00:00Z' }], { ...range, source: 'x' })).size,
    0,
    'bounded by its own started_at',
  );
});

test('a batch retried after a failure that followed its insert inserts the same rows under the same token', async () => {
  const earlier = eventsOf('retry', 2);
  await createAttemptWriter({ clickhouse: store.client, source: 'retry' }).handle(at(earlier, 0));
  const { client, inserts } = recording(store.client);
  let dlqFailures = 1;
  const { handle } = createAttemptWriter({
    clickhouse: client,
    source: 'retry',
    // The dead-letter sink fails once, after the attempts were inserted: the transport redelivers.
    deadLetters: {
      send: async () => {
        if (dlqFailures-- > 0) throw new Error('DLQ unavailable');
      },
      close: async () => {},
    },
  });
  const batch = at([...eventsOf('retry', 3), earlier[1]!, 'not json'], 2);
  await assert.rejects(handle(batch), /DLQ unavailable/);
  await growsBy(0, () => handle(batch));
  assert.equal(inserts.length, 2);
  assert.equal(inserts[0], inserts[1], 'same token, same rows');
  assert.equal(inserts[0]!.split(',').length, 3, 'the copy of an earlier attempt stays out both times');
  assert.equal(await count("SELECT count() FROM attempts WHERE team = 'retry'"), 5);
});

test('after a crash before commit, a replay with copies re-inserts exactly what it inserted before: no duplicates, rollups included', async () => {
  const originals = eventsOf('crash-copies', 6);
  const all = at([...originals, originals[1]!, ...eventsOf('crash-copies', 2), originals[4]!], 500);
  const first = recording(store.client);
  const second = recording(store.client);
  const after = createAttemptWriter({ clickhouse: second.client, source: 'crash-copies', maxRows: 4 });
  await growsBy(8, async () => {
    await createAttemptWriter({ clickhouse: first.client, source: 'crash-copies', maxRows: 4 }).handle(all.slice(0, 8)); // 500-503, 504-507, then the process dies
    await after.handle(all); // redelivered from the committed offset
  });
  assert.deepEqual(second.inserts.slice(0, 2), first.inserts, 'replayed ranges: same tokens, same rows');
  assert.equal(after.stats.duplicates, 2);
});

test('a redelivery to the same writer (the partition came back) is re-cut on the ranges stored since, so it replays the same tokens', async () => {
  const all = at(eventsOf('came-back', 10), 700, 2);
  const first = recording(store.client);
  const writer = createAttemptWriter({ clickhouse: first.client, source: 'came-back', maxRows: 4 });
  await writer.handle(all.slice(0, 6)); // 700-703 and 704-705 stored, not committed; the partition moves away and back
  await growsBy(4, () => writer.handle(all)); // redelivered from 700
  assert.deepEqual(first.inserts.slice(2, 4), first.inserts.slice(0, 2), 'the stored ranges replayed with their own tokens and rows');
  assert.equal(writer.stats.duplicates, 0, 'nothing needed removing as a copy');
});

test('a stored range redelivered only in part (a smaller fetch) is absorbed rather than stored again', async () => {
  const events = at(eventsOf('partial', 8), 0, 1);
  await growsBy(8, async () => {
    await createAttemptWriter({ clickhouse: store.client, source: 'partial', maxRows: 100 }).handle(events); // stored as 0-7, not committed
    const replay = createAttemptWriter({ clickhouse: store.client, source: 'partial', maxRows: 100 });
    await replay.handle(events.slice(0, 5)); // token 0-4: not the one 0-7 was stored under
    await replay.handle(events.slice(5));
  });
});

test('with deduplication off (benchmark baseline only), copies at new offsets are stored again', async () => {
  const events = eventsOf('dedupe-off', 3);
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'dedupe-off', dedupe: false });
  await growsBy(6, async () => {
    await handle(at(events, 0));
    await handle(at(events, 3));
  });
});
