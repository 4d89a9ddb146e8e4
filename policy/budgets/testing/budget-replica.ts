import { systemClock, type Clock } from '../../../core/clock.ts';
import type { AttemptTags } from '../../../core/events/attempt-event.ts';
import type { CalendarBudget } from '../../../collector/budget/budget-definition.ts';
import { BudgetGate, BudgetRejected } from '../../../collector/budget/budget-gate.ts';
import { BudgetLedger } from '../../../collector/budget/budget-ledger.ts';
import { LeaseClient } from '../../../collector/budget/lease-client.ts';
import { LeaseLedger } from '../../../collector/budget/lease-ledger.ts';
import type { LeaseSource } from '../../../collector/budget/lease-protocol.ts';

/** A collector's budget path without HTTP: the gate, its lease ledger and renewal loop. */
export interface BudgetReplica {
  id: string;
  gate: BudgetGate;
  ledger: LeaseLedger;
  client: LeaseClient;
  /** Admits one request of `worstNano`, waits `holdMs` like a provider call, settles `actualNano`; false when refused. */
  spend(tags: AttemptTags, worstNano: number, actualNano: number, holdMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export function startReplica(id: string, budgets: CalendarBudget[], source: LeaseSource, o: { renewMs?: number; clock?: Clock } = {}): BudgetReplica {
  const clock = o.clock ?? systemClock;
  const ledger = new LeaseLedger(budgets);
  const client = new LeaseClient({ collectorId: id, ledger, source, clock, renewMs: o.renewMs ?? 200, log: () => {} });
  client.start();
  const gate = new BudgetGate(new BudgetLedger([]), clock, ledger, client);
  return {
    id,
    gate,
    ledger,
    client,
    async spend(tags, worstNano, actualNano, holdMs) {
      try {
        const a = await gate.admit(tags, [{ deployment: 'd', worstCaseNano: worstNano }], new AbortController().signal, clock.now() + 60_000);
        await new Promise((r) => setTimeout(r, holdMs));
        gate.settle(a.reservation, actualNano);
        return true;
      } catch (err) {
        if (err instanceof BudgetRejected) return false;
        throw err;
      }
    },
    stop: () => client.stop(),
  };
}

export const attackTags: AttemptTags = { team: 'red', project: '', feature: '', user: '', api_key_id: 'key_attacker', environment: '', extra: {} };
