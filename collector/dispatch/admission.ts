import type { FallbackReason } from '../../core/events/attempt-event.ts';
import { BudgetRejected, type Admission, type Budgets } from '../budget/budget-gate.ts';
import { unblamed } from '../budget/unblamed-deployment.ts';
import { worstCaseNano } from '../budget/worst-case-cost.ts';
import type { ChatRequest } from '../providers/provider.ts';
import { recordRefusal } from './attempt-outcomes.ts';
import { budgetRejection } from './dispatch-error.ts';
import { cancelledError, type DispatchServices, type RequestRun } from './request-run.ts';
import type { Deployment } from './route-table.ts';

/** Where the budget let an attempt go (the first choice, or a cheaper one), and its reservation (null without budgets). */
export interface Admitted {
  deployment: Deployment;
  admission: Admission<Deployment> | null;
}

/**
 * The request as dispatched under `budgets`: its worst case must be bounded, so one without
 * `max_tokens` gets the budgets' default. A copy when it changes — the caller's object is never
 * written to (it may be frozen, or reused for another call).
 */
export function boundedRequest(request: ChatRequest, budgets: Budgets | null): ChatRequest {
  if (!budgets || request.max_tokens !== undefined) return request;
  return { ...request, max_tokens: budgets.defaultMaxTokens };
}

/**
 * Admission: reserves the worst-case cost of an attempt on the first of `choices` the budgets
 * allow (a cheaper later one is a budget downgrade). A refusal is recorded as a `rejected`
 * attempt and thrown as a 429/400 DispatchError; the 499 when the client leaves during a
 * soft-throttle wait.
 */
export async function admitAttempt<T>(
  s: DispatchServices,
  run: RequestRun<T>,
  choices: Deployment[],
  attemptNo: number,
  fallbackReason: FallbackReason,
): Promise<Admitted> {
  const admitted = await admit(run, choices, true);
  if (admitted instanceof BudgetRejected) {
    recordRefusal(s, run, unblamed(choices[0]!), attemptNo, fallbackReason, 'budget_exhausted', admitted.budget);
    throw budgetRejection(admitted);
  }
  return admitted;
}

/** Admission of a hedge twin on `deployment` only (never downgraded): null when the budgets refuse, which just means no twin. */
export async function admitHedge<T>(run: RequestRun<T>, deployment: Deployment): Promise<Admitted | null> {
  const admitted = await admit(run, [deployment], false);
  return admitted instanceof BudgetRejected ? null : admitted;
}

async function admit<T>(run: RequestRun<T>, choices: Deployment[], mayDowngrade: boolean): Promise<Admitted | BudgetRejected> {
  if (!run.budgets) return { deployment: choices[0]!, admission: null };
  const maxTokens = run.request.max_tokens!;
  const priced = choices.map((d) => ({ deployment: d, worstCaseNano: worstCaseNano(run.prompt(), maxTokens, d.price) }));
  try {
    const admission = await run.budgets.gate.admit(run.ctx.tags, mayDowngrade ? priced : priced.slice(0, 1), run.ctx.signal, run.deadlineMs);
    // A soft-throttle wait is deliberate, like backoff: not the shim's overhead.
    run.ctx.timing?.backedOff(admission.budget.delay_ms);
    return { deployment: admission.deployment, admission };
  } catch (err) {
    if (err instanceof BudgetRejected) return err;
    throw cancelledError();
  }
}

/** Gives back a reservation that will not be used (a hedge twin whose race was decided meanwhile). */
export function releaseAdmission<T>(run: RequestRun<T>, admitted: Admitted | null): void {
  if (admitted?.admission) run.budgets!.gate.settle(admitted.admission.reservation, 0);
}
