import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../../core/telemetry/metrics.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import { calendarBudgetSchema } from './budget-definition.ts';
import { LeaseClient } from './lease-client.ts';
import { LeaseLedger } from './lease-ledger.ts';
import { LeaseRenewalUndelivered, type LeaseGrant } from './lease-protocol.ts';

// The collector's side of leases with an explicit clock: reserve → settle against the allowance,
// the cap while a renewal is out, shadow and fail-open budgets, a new period, and the gauges.

const tags = (team: string): AttemptTags => ({ team, project: '', feature: '', user: '', api_key_id: 'key_a', environment: '', extra: {} });
const budget = (over: Record<string, unknown> = {}) => calendarBudgetSchema.parse({ id: 'b', scope: 'team', period: 'day', limit_usd: '1', ...over });
const NOW = Date.parse('2026-11-30T10:00:00Z');
const grant = (allowanceNano: number, over: Partial<LeaseGrant> = {}): LeaseGrant => ({
  budgetId: 'b',
  subject: 'pay',
  periodStartMs: Date.parse('2026-11-30T00:00:00Z'),
  allowanceNano,
  spentNano: 0,
  unleasedNano: 0,
  ...over,
});

test('reserve within the allowance, settle to the real cost, refuse past it; other teams have their own subject', () => {
  const ledger = new LeaseLedger([budget()]);
  assert.equal(ledger.tryReserve(tags('pay'), 100, NOW).ok, false, 'no lease yet: fail closed');
  ledger.applyGrants([grant(1000)], NOW);
  const a = ledger.tryReserve(tags('pay'), 600, NOW);
  assert.ok(a.ok);
  assert.equal(ledger.tryReserve(tags('pay'), 600, NOW).ok, false);
  ledger.settle(a.hold, 250);
  assert.ok(ledger.tryReserve(tags('pay'), 700, NOW).ok, 'the unspent worst case came back');
  assert.equal(ledger.tryReserve(tags('search'), 1, NOW).ok, false, 'search has no lease of its own yet');
});

test('while a renewal is out, only the reported margin stays usable; a refused connection restores the lease', () => {
  const ledger = new LeaseLedger([budget()]);
  ledger.applyGrants([grant(10_000)], NOW);
  const first = ledger.tryReserve(tags('pay'), 1000, NOW);
  assert.ok(first.ok);
  const [report] = ledger.reports(NOW, 2000, 2000);
  // Margin: min(headroom 9000, max(low water, 4 × 1000)) = 4000, reported as held.
  assert.equal(report!.reservedNano, 5000);
  for (let i = 0; i < 4; i++) assert.ok(ledger.tryReserve(tags('pay'), 1000, NOW).ok);
  assert.equal(ledger.tryReserve(tags('pay'), 1000, NOW).ok, false, 'past the margin until the grantor answers');
  ledger.renewalNotDelivered();
  assert.ok(ledger.tryReserve(tags('pay'), 1000, NOW).ok, 'never delivered: the old lease stands');
});

test('a restarted collector takes its spend from the grantor; a new period starts from nothing', () => {
  const ledger = new LeaseLedger([budget()]);
  ledger.applyGrants([grant(5000, { spentNano: 4000 })], NOW);
  assert.equal(ledger.snapshot()[0]!.spentNano, 4000);
  assert.ok(ledger.tryReserve(tags('pay'), 1000, NOW).ok);
  assert.equal(ledger.tryReserve(tags('pay'), 1, NOW).ok, false);
  const tomorrow = Date.parse('2026-12-01T00:00:01Z');
  assert.equal(ledger.tryReserve(tags('pay'), 1, tomorrow).ok, false, 'no lease for the new day yet');
  assert.equal(ledger.snapshot()[0]!.spentNano, 0);
});

test('shadow budgets never refuse but name themselves; fail-open budgets serve once the grantor is silent', () => {
  const shadow = new LeaseLedger([budget({ shadow: true })]);
  const r = shadow.tryReserve(tags('pay'), 100, NOW);
  assert.ok(r.ok && r.shadowRefusal?.budget.id === 'b');
  const open = new LeaseLedger([budget({ fail_open: true })], 15_000);
  assert.ok(open.tryReserve(tags('pay'), 100, NOW).ok, 'never heard from the grantor');
  open.applyGrants([grant(0)], NOW);
  assert.equal(open.tryReserve(tags('pay'), 100, NOW + 1000).ok, false, 'the grantor answered recently: its lease rules');
  assert.ok(open.tryReserve(tags('pay'), 100, NOW + 16_000).ok, 'silent for 15 s: fail open');
});

test('gauges per budget id only; the grantor unreachable keeps the lease and is logged once', async () => {
  const metrics = createMetrics();
  const ledger = new LeaseLedger([budget()]);
  const logs: string[] = [];
  let fail = false;
  const client = new LeaseClient({
    collectorId: 'c1',
    ledger,
    clock: { now: () => NOW },
    log: (m) => logs.push(m),
    meter: metrics.meter,
    renewMs: 60_000,
    source: {
      renew: async () => {
        if (fail) throw new LeaseRenewalUndelivered('connection refused');
        return { budgets: [budget()], leases: [grant(2_000_000_000)] };
      },
    },
  });
  ledger.tryReserve(tags('team-from-a-header'), 1, NOW);
  ledger.tryReserve(tags('pay'), 1, NOW);
  assert.equal(await client.renewNow(), true);
  fail = true;
  assert.equal(await client.renewNow(), false);
  assert.equal(await client.renewNow(), false);
  assert.equal(logs.filter((l) => l.includes('renewal failing: connection refused')).length, 1);
  assert.ok(ledger.tryReserve(tags('pay'), 1_000_000_000, NOW).ok, 'the current lease is still spendable');
  const server = createServer((req, res) => metrics.handle(req, res)).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
  server.close();
  await metrics.shutdown();
  assert.match(text, /switchyard_collector_budget_lease\{budget="b",[^}]*\} 2\n/);
  assert.match(text, /switchyard_collector_budget_remaining\{budget="b",[^}]*\} 1\n/);
  assert.doesNotMatch(text, /team-from-a-header|pay"/, 'no subject in any label');
});
