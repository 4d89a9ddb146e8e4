import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import { grantLease, type LeaseHolder } from '../../policy/budgets/lease-grant.ts';
import { calendarBudgetSchema } from './budget-definition.ts';
import { LeaseLedger } from './lease-ledger.ts';
import { nextRate, observeRoundTrip, renewAheadNano, renewalBoundMs, type RoundTrip } from './renew-ahead.ts';

// The proactive-renewal rule on a fake clock: a collector spending at a steady rate renews ahead
// of need, so no request finds its lease short while the grantor is merely slow — the request path
// never waits. The grantor is the real lease arithmetic (`grantLease`), answering after a delay.

const tags: AttemptTags = { team: 'pay', project: '', feature: '', user: '', api_key_id: 'key_a', environment: '', extra: {} };
const budget = calendarBudgetSchema.parse({ id: 'b', scope: 'team', match: 'pay', period: 'month', limit_usd: '1000' });
const START = Date.parse('2026-11-30T10:00:00Z');
const RENEW_MS = 2000;

/** Runs `seconds` of one request every `everyMs` (worst case 1,000 nano, each settled 40 ms later); counts the requests that found the lease short. */
function simulate(o: { seconds: number; everyMs: number; roundTripsMs: number[]; fasterAfterS?: number; factor?: number }): {
  short: number;
  served: number;
  renewals: number;
} {
  const ledger = new LeaseLedger([budget]);
  const book = new Map<string, LeaseHolder>();
  let rt: RoundTrip | null = null;
  // Assigned inside `renew`: typed by assertion so the loop does not narrow it to null.
  let inFlight = null as { answerAtMs: number; sentAtMs: number; apply: () => void } | null;
  let lastReportMs = START;
  let nextPeriodicMs = START;
  let renewals = 0;
  const settles: Array<{ atMs: number; hold: Parameters<LeaseLedger['settle']>[0] }> = [];
  const renew = (now: number) => {
    if (inFlight) return;
    const reports = ledger.reports(now, RENEW_MS, Math.max(1, now - lastReportMs), renewalBoundMs(rt));
    lastReportMs = now;
    const grants = reports.map((r) => {
      const { holder } = grantLease(1000e9, 0, book, { collector: 'c1', ...r }, now);
      book.set('c1', holder);
      return {
        budgetId: r.budgetId,
        subject: r.subject,
        periodStartMs: r.periodStartMs,
        allowanceNano: holder.allowanceNano,
        spentNano: holder.spentNano,
        unleasedNano: 1e12,
      };
    });
    const took = o.roundTripsMs[renewals++ % o.roundTripsMs.length]!;
    inFlight = { sentAtMs: now, answerAtMs: now + took, apply: () => ledger.applyGrants(grants, now + took) };
  };
  let short = 0;
  let served = 0;
  for (let now = START; now < START + o.seconds * 1000; now++) {
    if (inFlight && now >= inFlight.answerAtMs) {
      inFlight.apply();
      rt = observeRoundTrip(rt, now - inFlight.sentAtMs);
      inFlight = null;
    }
    while (settles.length > 0 && settles[0]!.atMs <= now) ledger.settle(settles.shift()!.hold, 800);
    if (now >= nextPeriodicMs) {
      renew(now);
      nextPeriodicMs = now + RENEW_MS;
    }
    const everyMs = o.fasterAfterS !== undefined && now - START >= o.fasterAfterS * 1000 ? o.everyMs / (o.factor ?? 2) : o.everyMs;
    if ((now - START) % everyMs !== 0) continue;
    const r = ledger.tryReserve(tags, 1000, now);
    // The first lease is asked for by the first request; from then on none may find its lease short.
    if (!r.ok) {
      if (served > 0) short++;
      renew(now);
      continue;
    }
    served++;
    settles.push({ atMs: now + 40, hold: r.hold });
    if (r.low) renew(now);
  }
  return { short, served, renewals };
}

test('a steady rate never finds its lease short while the grantor answers in 300 ms', () => {
  const run = simulate({ seconds: 60, everyMs: 5, roundTripsMs: [300] });
  assert.equal(run.short, 0);
  assert.ok(run.served > 11_800, `served ${run.served}`);
});

test('nor when the grantor answers anywhere between 0.1 and 2.5 s (a loaded store)', () => {
  const run = simulate({ seconds: 120, everyMs: 2, roundTripsMs: [400, 2500, 100, 1500, 900, 2200, 300, 1800] });
  assert.equal(run.short, 0);
  // Renewals are periodic plus early ones: not one per request.
  assert.ok(run.renewals < 200, `${run.renewals} renewals`);
});

test("a rate that doubles is absorbed by the lease term's headroom: no request finds its lease short", () => {
  const run = simulate({ seconds: 60, everyMs: 10, roundTripsMs: [600], fasterAfterS: 30, factor: 2 });
  assert.equal(run.short, 0);
});

test('the rate follows a rise at once and a fall gradually', () => {
  assert.equal(nextRate(1, 6000, 2000, 2000), 3);
  assert.ok(Math.abs(nextRate(3, 2000, 1000, 2000) - 2.9) < 1e-12, 'half an interval at 2/ms moves a tenth of the way');
  assert.equal(nextRate(3, 0, 20_000, 2000), 0, 'five idle intervals and more: no rate');
  assert.equal(nextRate(0, 100, 1000, 2000), 0.1);
});

test('the low-water mark is what the rate spends in two bounded round trips, at least four of the largest requests', () => {
  assert.equal(renewAheadNano(10, 300, 1000), 6000);
  assert.equal(renewAheadNano(1, 300, 1000), 4000);
  const rt = observeRoundTrip(observeRoundTrip(null, 200), 200);
  assert.ok(renewalBoundMs(rt) >= 200 && renewalBoundMs(rt) <= 600, `bound ${renewalBoundMs(rt)}`);
  assert.equal(renewalBoundMs(null), 50);
});
