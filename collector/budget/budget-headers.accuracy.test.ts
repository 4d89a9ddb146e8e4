import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import { parseRoutesConfig } from '../config/routes-config.ts';
import { calendarBudgetSchema } from './budget-definition.ts';
import { BudgetHeaders } from './budget-headers.ts';
import { BudgetLedger } from './budget-ledger.ts';
import { LeaseLedger } from './lease-ledger.ts';

// The budget headers' figures with an explicit clock: the tightest of the rolling buckets and
// calendar budgets that enclose the request, exact to the nanodollar, its reset, shadow budgets
// left out, another team's budget never shown, and the routes file's switches.

const NOW = Date.parse('2026-11-30T10:00:00Z');
const clock = { now: () => NOW };
const tags = (team: string): AttemptTags => ({ team, project: '', feature: '', user: '', api_key_id: 'key_a', environment: '', extra: {} });
const calendar = [
  calendarBudgetSchema.parse({ id: 'org', scope: 'org', period: 'month', limit_usd: '100' }),
  calendarBudgetSchema.parse({ id: 'pay-day', scope: 'team', match: 'pay', period: 'day', time_zone: 'Europe/Berlin', limit_usd: '1.5' }),
  calendarBudgetSchema.parse({ id: 'search-day', scope: 'team', match: 'search', period: 'day', limit_usd: '0.000000002' }),
  calendarBudgetSchema.parse({ id: 'pay-shadow', scope: 'team', match: 'pay', period: 'day', limit_usd: '0.000000001', shadow: true }),
];
const config = (budgets: Record<string, unknown>, routeExtra: Record<string, unknown> = {}) =>
  parseRoutesConfig({
    routes: [
      {
        name: 'chat',
        ...routeExtra,
        deployments: [{ name: 'd', provider: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key_env: 'K', model: 'gpt-4o-mini' }],
      },
    ],
    budgets,
  });

function ledgers(limits: Array<Record<string, unknown>> = []) {
  const leases = new LeaseLedger(calendar);
  const start = (id: string) => (id === 'org' ? Date.parse('2026-11-01T00:00:00Z') : Date.parse('2026-11-29T23:00:00Z'));
  leases.applyGrants(
    [
      { budgetId: 'org', subject: '', periodStartMs: start('org'), allowanceNano: 2_000_000_000, spentNano: 0, unleasedNano: 90_000_000_000 },
      { budgetId: 'pay-day', subject: 'pay', periodStartMs: start('pay'), allowanceNano: 700_000_001, spentNano: 0, unleasedNano: 300_000_000 },
    ],
    NOW,
  );
  const rolling = new BudgetLedger(config({ limits }).budgets.limits);
  return { leases, rolling };
}

test('the tightest enclosing calendar budget: own lease left plus unleased, exact decimal, period end in its zone', () => {
  const { leases, rolling } = ledgers();
  const held = leases.tryReserve(tags('pay'), 123_456_789, NOW);
  assert.ok(held.ok);
  leases.settle(held.hold, 100_000_000);
  const h = new BudgetHeaders({ rolling, calendar: leases }, clock, config({ headers: true }));
  assert.deepEqual(h.for('chat', tags('pay')), {
    'x-switchyard-budget-id': 'pay-day',
    'x-switchyard-budget-limit-usd': '1.500000000',
    // 0.700000001 − 0.1 spent + 0.3 unleased
    'x-switchyard-budget-remaining-usd': '0.900000001',
    // Midnight in Berlin (UTC+1 in winter).
    'x-switchyard-budget-reset': '2026-11-30T23:00:00.000Z',
  });
});

test('a request in flight holds its worst case; a rolling bucket tighter than every calendar budget wins, resetting when full', () => {
  const { leases, rolling } = ledgers([{ scope: 'team', id: 'pay', limit_usd: 0.6, per: 'hour' }]);
  assert.ok(leases.tryReserve(tags('pay'), 50_000_000, NOW).ok);
  assert.ok(rolling.tryReserve(tags('pay'), 150_000_000, NOW).ok);
  const h = new BudgetHeaders({ rolling, calendar: leases }, clock, config({ headers: true }));
  assert.deepEqual(h.for('chat', tags('pay')), {
    'x-switchyard-budget-id': 'rolling:team:hour',
    'x-switchyard-budget-limit-usd': '0.600000000',
    'x-switchyard-budget-remaining-usd': '0.450000000',
    // 0.15 USD back at 0.6 USD an hour: 15 minutes.
    'x-switchyard-budget-reset': '2026-11-30T10:15:00.000Z',
  });
});

test('shadow budgets and other teams never show; a team with no lease yet shows nothing of its own left', () => {
  const { leases, rolling } = ledgers();
  const h = new BudgetHeaders({ rolling, calendar: leases }, clock, config({ headers: true }));
  assert.equal(h.for('chat', tags('pay'))['x-switchyard-budget-id'], 'pay-day');
  const search = h.for('chat', tags('search'));
  assert.equal(search['x-switchyard-budget-id'], 'search-day');
  assert.equal(search['x-switchyard-budget-remaining-usd'], '0.000000000');
  assert.equal(h.for('chat', tags('ops'))['x-switchyard-budget-id'], 'org', 'only the org budget encloses a team without one');
});

test('off unless the routes file turns it on; a route overrides the global switch either way; a reload applies', () => {
  const { leases, rolling } = ledgers();
  const h = new BudgetHeaders({ rolling, calendar: leases }, clock, config({}));
  assert.deepEqual(h.for('chat', tags('pay')), {});
  h.reconfigure(config({}, { budget_headers: true }));
  assert.equal(h.for('chat', tags('pay'))['x-switchyard-budget-id'], 'pay-day');
  h.reconfigure(config({ headers: true }, { budget_headers: false }));
  assert.deepEqual(h.for('chat', tags('pay')), {});
  h.reconfigure(config({ headers: true }));
  assert.deepEqual(new BudgetHeaders({ rolling: new BudgetLedger([]), calendar: null }, clock, config({ headers: true })).for('chat', tags('pay')), {});
});
