import type { Clock } from '../../core/clock.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { RoutesConfig } from '../config/routes-config.ts';
import type { BudgetLedger } from './budget-ledger.ts';
import { nanoToUsd } from './cost-bucket.ts';
import { tightest } from './headroom.ts';
import type { LeaseLedger } from './lease-ledger.ts';

/** Response header names; values are exact decimal USD (9 places) and RFC 3339 UTC instants. */
export const BUDGET_HEADER_NAMES = {
  id: 'x-switchyard-budget-id',
  limit: 'x-switchyard-budget-limit-usd',
  remaining: 'x-switchyard-budget-remaining-usd',
  reset: 'x-switchyard-budget-reset',
} as const;

/** Where the routes file turns the headers on: `budgets.headers` for every route, a route's `budget_headers` over it. */
interface HeaderSwitch {
  everywhere: boolean;
  perRoute: Map<string, boolean>;
}

const switchOf = (config: RoutesConfig): HeaderSwitch => ({
  everywhere: config.budgets.headers ?? false,
  perRoute: new Map(config.routes.flatMap((r) => (r.budget_headers === undefined ? [] : [[r.name, r.budget_headers] as const]))),
});

/**
 * The tightest budget enclosing a request, as response headers: which budget, its limit, what is
 * left and when it resets. Only the budgets the request is attributed to — its key, and the
 * team/project/user/feature the key binds or the request names — so a caller never learns
 * another scope's budget. Off unless the routes file turns it on: spend is finance data.
 */
export class BudgetHeaders {
  private switch: HeaderSwitch;

  constructor(
    private readonly ledgers: { rolling: BudgetLedger; calendar: LeaseLedger | null },
    private readonly clock: Clock,
    config: RoutesConfig,
  ) {
    this.switch = switchOf(config);
  }

  /** A reloaded routes file's switches. */
  reconfigure(config: RoutesConfig): void {
    this.switch = switchOf(config);
  }

  /** Headers for a request to `route` with these tags; empty when off for the route or no budget applies. */
  for(route: string, tags: AttemptTags): Record<string, string> {
    if (!(this.switch.perRoute.get(route) ?? this.switch.everywhere)) return {};
    const nowMs = this.clock.now();
    const all = [...this.ledgers.rolling.headroom(tags, nowMs), ...(this.ledgers.calendar?.headroom(tags, nowMs) ?? [])];
    const t = tightest(all);
    if (!t) return {};
    return {
      [BUDGET_HEADER_NAMES.id]: t.id,
      [BUDGET_HEADER_NAMES.limit]: nanoToUsd(t.limitNano),
      [BUDGET_HEADER_NAMES.remaining]: nanoToUsd(Math.floor(t.remainingNano)),
      [BUDGET_HEADER_NAMES.reset]: new Date(t.resetMs).toISOString(),
    };
  }
}
