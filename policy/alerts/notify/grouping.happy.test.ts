import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregationGroups } from './aggregation-groups.ts';
import { idempotencyKey, needsUpdate, type NotifiedEntry } from './needs-update.ts';
import type { NoticeAlert } from './notice.ts';
import { isSilenced } from './silences.ts';

const S = 1000;
const alert = (fp: string, team: string, status: NoticeAlert['status'] = 'firing'): NoticeAlert => ({
  fingerprint: fp,
  labels: { alertname: 'spend_spike', severity: 'warning', team },
  status,
  startsAt: 0,
  endsAt: status === 'resolved' ? 1 : null,
  evidence: null,
});
const opts = (over: Partial<Parameters<typeof needsUpdate>[3]> = {}) => ({
  sendResolved: true,
  partialResolved: true,
  folded: new Set<string>(),
  repeatMs: 3600 * S,
  now: 10_000 * S,
  acknowledged: new Set<string>(),
  ...over,
});
const entry = (firing: string[], resolved: string[] = [], notifiedAt = 9_000 * S): NotifiedEntry => ({ firing, resolved, notifiedAt, idempotencyKey: 'k' });

test('a new group waits group_wait, then every group_interval; late alerts join the next flush', () => {
  const g = new AggregationGroups({ groupBy: ['team'], groupWaitMs: 30 * S, groupIntervalMs: 300 * S });
  g.upsert('ops', alert('a', 'search'), 0);
  g.upsert('ops', alert('b', 'search'), 10 * S);
  g.upsert('ops', alert('c', 'payments'), 20 * S);
  assert.equal(g.due(29 * S).length, 0);
  assert.deepEqual(
    g.due(30 * S).map((x) => [...x.alerts.keys()]),
    [['a', 'b']],
  );
  const search = g.due(30 * S)[0]!;
  g.flushed(search, new Set(), 30 * S);
  g.upsert('ops', alert('d', 'search'), 40 * S);
  assert.deepEqual(
    g.due(50 * S).map((x) => x.labels.team),
    ['payments'],
  );
  assert.equal(
    g.due(329 * S).some((x) => x.labels.team === 'search'),
    false,
  );
  assert.deepEqual(
    [
      ...g
        .due(330 * S)
        .find((x) => x.labels.team === 'search')!
        .alerts.keys(),
    ],
    ['a', 'b', 'd'],
  );
});

test('resolved alerts leave after the flush that told them; an empty group is dropped; resolved alone opens nothing', () => {
  const g = new AggregationGroups({ groupBy: ['team'], groupWaitMs: 0, groupIntervalMs: 60 * S });
  g.upsert('ops', alert('x', 'lonely', 'resolved'), 0);
  assert.equal(g.size, 0);
  const grp = g.upsert('ops', alert('a', 't'), 0);
  g.upsert('ops', alert('a', 't', 'resolved'), 1);
  g.flushed(grp, new Set(['a']), 2);
  assert.equal(g.size, 0);
});

test('needsUpdate follows Alertmanager: new, changed, all resolved, resolved news, repeat', () => {
  assert.equal(needsUpdate(null, new Set(['a']), new Set(), opts()), 'new');
  assert.equal(needsUpdate(null, new Set(), new Set(['a']), opts()), null);
  assert.equal(needsUpdate(entry(['a']), new Set(['a', 'b']), new Set(), opts()), 'changed');
  assert.equal(needsUpdate(entry(['a']), new Set(['a']), new Set(), opts()), null);
  assert.equal(needsUpdate(entry(['a', 'b']), new Set(['a']), new Set(['b']), opts()), 'resolved');
  assert.equal(needsUpdate(entry(['a', 'b']), new Set(['a']), new Set(['b']), opts({ sendResolved: false })), null);
  assert.equal(
    needsUpdate(entry(['a', 'b']), new Set(['a']), new Set(['b']), opts({ partialResolved: false })),
    null,
    'partial resolve waits for the all clear',
  );
  assert.equal(needsUpdate(entry(['a']), new Set(['a', 'b']), new Set(), opts({ folded: new Set(['b']) })), null, 'folded into the incident told');
  assert.equal(needsUpdate(entry(['a']), new Set(), new Set(['a']), opts({ sendResolved: false })), 'resolved', 'all clear is always told');
  assert.equal(needsUpdate(entry([]), new Set(), new Set(['z']), opts()), null, 'fired and cleared between notices is not news');
  assert.equal(needsUpdate(entry(['a'], [], 6_400 * S), new Set(['a']), new Set(), opts()), 'repeat');
  assert.equal(needsUpdate(entry(['a'], [], 6_401 * S), new Set(['a']), new Set(), opts()), null);
});

test('acknowledged alerts do not repeat, but a new alert in the group still notifies', () => {
  const acked = opts({ acknowledged: new Set(['a']) });
  assert.equal(needsUpdate(entry(['a'], [], 0), new Set(['a']), new Set(), acked), null);
  assert.equal(needsUpdate(entry(['a'], [], 0), new Set(['a', 'b']), new Set(), acked), 'changed');
});

test('idempotency keys: same content and predecessor → same key; a repeat or a change → a new one', () => {
  const k = idempotencyKey('ops', 'g', ['b', 'a'], [], 5);
  assert.equal(k, idempotencyKey('ops', 'g', ['a', 'b'], [], 5));
  assert.notEqual(k, idempotencyKey('ops', 'g', ['a', 'b'], [], 6));
  assert.notEqual(k, idempotencyKey('ops', 'g', ['a'], ['b'], 5));
  assert.notEqual(k, idempotencyKey('other', 'g', ['a', 'b'], [], 5));
});

test('silences match on every matcher, within their time range only', () => {
  const s = [{ id: 's', matchers: { team: 'search', alertname: 'spend_spike' }, startsAt: 10, endsAt: 20, createdBy: 'me', comment: '' }];
  assert.equal(isSilenced({ alertname: 'spend_spike', team: 'search' }, s, 15), true);
  assert.equal(isSilenced({ alertname: 'spend_spike', team: 'payments' }, s, 15), false);
  assert.equal(isSilenced({ alertname: 'spend_spike', team: 'search' }, s, 20), false);
  assert.equal(isSilenced({ alertname: 'spend_spike', team: 'search' }, s, 9), false);
});
