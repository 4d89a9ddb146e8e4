import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoWeekOf, parseIsoWeek, previousWeek } from './iso-week.ts';

describe('ISO weeks', () => {
  it('2026-W48 is Monday 23 November to Monday 30 November 2026, UTC', () => {
    const w = parseIsoWeek('2026-W48');
    assert.equal(new Date(w.fromMs).toISOString(), '2026-11-23T00:00:00.000Z');
    assert.equal(new Date(w.toMs).toISOString(), '2026-11-30T00:00:00.000Z');
    assert.equal(previousWeek(w).label, '2026-W47');
  });

  it('year edges follow ISO 8601 (the week of 4 January is week 1; 2026 has 53 weeks)', () => {
    assert.equal(isoWeekOf(Date.UTC(2027, 0, 1)).label, '2026-W53');
    assert.equal(isoWeekOf(Date.UTC(2024, 11, 30)).label, '2025-W01');
    assert.equal(new Date(parseIsoWeek('2025-W01').fromMs).toISOString(), '2024-12-30T00:00:00.000Z');
    assert.equal(previousWeek(parseIsoWeek('2027-W01')).label, '2026-W53');
    for (let ms = Date.UTC(2020, 0, 1); ms < Date.UTC(2030, 0, 1); ms += 86_400_000 * 3) {
      const w = isoWeekOf(ms);
      assert.deepEqual(parseIsoWeek(w.label), w);
    }
  });

  it('a bad week is refused naming it', () => {
    assert.throws(() => parseIsoWeek('2026-48'), /2026-W48/);
    assert.throws(() => parseIsoWeek('2025-W53'), /weeks 01 to 52/);
  });
});
