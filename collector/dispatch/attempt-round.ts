import { sleepUnlessAborted } from '../../core/clock.ts';
import { CircuitOpenError } from '../resilience/deployment-breakers.ts';
import { admitAttempt } from './admission.ts';
import { launchAttempt } from './attempt-launch.ts';
import { discardAttempt, recordRefusal } from './attempt-outcomes.ts';
import type { AttemptPlan } from './attempt-plan.ts';
import { allAttemptsFailed, rateLimitedRoute, type DispatchError } from './dispatch-error.ts';
import { HedgeRace } from './hedge-race.ts';
import { hedgeAfterDelay } from './hedging.ts';
import { cancelledError, type DispatchServices, type RequestRun, type Round } from './request-run.ts';

/**
 * One round of a request: the next deployment picked (after its Retry-After), admitted by the
 * budgets, its attempt started — on hedged routes maybe a twin — and all of them settled. A
 * deployment whose half-open probe another request holds is passed by without counting an
 * attempt. When no deployment may be called — none left, or every one's probe held by another
 * request — the request ends here (refusal recorded, thrown: 503 or 429, never a 500 of ours).
 */
export async function playRound<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan): Promise<Round<T>> {
  let round = await startRound(s, run, plan);
  while (heldProbe(round)) {
    // No call was made: not an attempt. The next round tries the next deployment; once every
    // deployment was passed by, the request is refused like one whose circuits are all open.
    discardAttempt(round.attempts[0]!);
    if (!plan.passHeldProbe()) throw refuse(s, run, plan);
    round = await startRound(s, run, plan);
  }
  return round;
}

async function startRound<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan): Promise<Round<T>> {
  if (run.ctx.signal.aborted) throw cancelledError();
  const pick = plan.pick();
  if (pick === null) throw refuse(s, run, plan);
  if (pick.waitMs > 0) {
    await sleepUnlessAborted(pick.waitMs, run.ctx.signal);
    run.ctx.timing?.backedOff(pick.waitMs);
  }
  const picked = plan.take(pick);
  const admitted = await admitAttempt(s, run, [picked, ...plan.downgrades()], plan.attemptNo, plan.fallbackReason);
  // A budget that moved the attempt to a cheaper deployment is why this attempt goes there.
  const reason = admitted.deployment !== picked ? 'budget_downgrade' : plan.fallbackReason;
  const race = run.route.config.hedge ? new HedgeRace() : null;
  plan.markTried(admitted.deployment);
  const first = launchAttempt(s, run, admitted.deployment, plan.attemptNo, reason, admitted.admission, { race, raceId: 0 });
  const hedge = race ? await hedgeAfterDelay(s, run, plan, race, first) : null;
  return { race, attempts: await Promise.all(hedge ? [first, hedge.twin] : [first]) };
}

/** A lone attempt refused by its breaker: another request holds the deployment's half-open probe. */
function heldProbe<T>({ attempts }: Round<T>): boolean {
  const only = attempts.length === 1 ? attempts[0]! : null;
  return only !== null && !only.outcome.ok && only.outcome.error instanceof CircuitOpenError;
}

/**
 * No deployment may be called: records that the request ended here, without calling anyone, and
 * returns the client's error — 429 with Retry-After when every provider asked us to wait longer
 * than we may, 503 when every circuit is open.
 */
function refuse<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan): DispatchError {
  const name = run.route.config.name;
  const retryAfterMs = s.availability.soonestRetryMs(run.route, run.order);
  recordRefusal(s, run, plan.current(), plan.attemptNo, plan.fallbackReason, retryAfterMs === null ? 'circuit_open' : 'rate_limit_cooldown');
  if (retryAfterMs === null) return allAttemptsFailed(plan.failures, `every deployment of route "${name}" is cooling down after failures`);
  return plan.failures.length ? allAttemptsFailed(plan.failures, undefined, retryAfterMs) : rateLimitedRoute(name, retryAfterMs);
}
