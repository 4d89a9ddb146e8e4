import { sleepUnlessAborted } from '../../core/clock.ts';
import type { ProviderError } from '../providers/provider.ts';
import { recordAnswer, recordFailure, recordUnanswered } from './attempt-outcomes.ts';
import { AttemptPlan } from './attempt-plan.ts';
import { playRound } from './attempt-round.ts';
import { allAttemptsFailed, DispatchError, internalFailure } from './dispatch-error.ts';
import { classifyAttemptFailure, failoverScope, type FailoverStep } from './failover.ts';
import { InternalError } from './internal-error.ts';
import { cancelledError, type DispatchServices, type RequestRun, type Round } from './request-run.ts';

type RoundResult<T> = { answered: true; value: T } | { answered: false; delayMs: number };

/**
 * The attempt loop of one request: rounds (attempt-round.ts) until one answers. After a failed
 * round the plan says where to go next and after how long; the request ends with the client's
 * error when it may not go on — nowhere left that could cure the failure, attempts, deadline or
 * retry budget spent, a bug of ours — or when the client leaves.
 */
export async function runAttempts<T>(s: DispatchServices, run: RequestRun<T>): Promise<T> {
  const plan = new AttemptPlan(s, run);
  s.retryBudget.recordRequest(s.clock.now());
  let result = await attemptRound(s, run, plan);
  while (!result.answered) {
    await sleepUnlessAborted(result.delayMs, run.ctx.signal);
    run.ctx.timing?.backedOff(result.delayMs);
    result = await attemptRound(s, run, plan);
  }
  return result.value;
}

async function attemptRound<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan): Promise<RoundResult<T>> {
  const round = await playRound(s, run, plan);
  const winner = round.attempts.find((a) => a.outcome.ok);
  if (!winner?.outcome.ok) return { answered: false, delayMs: settleFailedRound(s, run, plan, round) };
  for (const a of round.attempts) if (a !== winner) recordUnanswered(s, run, a, round.race, false, false);
  return { answered: true, value: recordAnswer(s, run, winner, winner.outcome.result) };
}

/**
 * Every attempt of the round failed: all are recorded, and the last one decides what comes
 * next — the wait before the next round (returned, ms), or the end of the request (thrown).
 */
function settleFailedRound<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan, { attempts, race }: Round<T>): number {
  if (run.ctx.signal.aborted) {
    attempts.forEach((a, i) => recordUnanswered(s, run, a, race, true, i === attempts.length - 1));
    throw cancelledError();
  }
  const last = attempts[attempts.length - 1]!;
  for (const a of attempts.slice(0, -1)) {
    const failed = recordUnanswered(s, run, a, race, false, false);
    if (failed) plan.failures.push(failed);
  }
  const failure = classifyAttemptFailure(last.outcome.ok ? null : last.outcome.error);
  if (failure instanceof InternalError) {
    recordFailure(s, last, 'internal_error', true);
    throw internalFailure(failure);
  }
  const { deployment, attemptNo } = last.facts;
  if (failure.kind === 'rate_limited' && failure.retryAfterMs) s.availability.noteRetryAfter(deployment, failure.retryAfterMs);
  const step = plan.stepAfter(failure, deployment, attemptNo);
  // The budget is consulted last, so only retries that would really happen spend it; moving
  // to a deployment that can cure what this one could not is not a retry.
  const goesOn = step.mayContinue && (step.scope === 'untried' || s.retryBudget.tryAcquire(s.clock.now()));
  recordFailure(s, last, failure, !goesOn);
  plan.failures.push({ deployment: deployment.config.name, error: failure });
  if (!goesOn) throw endOfRequest(s, run, plan, step, failure);
  const next = plan.continueWith(step, failure, attemptNo);
  run.requestSpan.addEvent('fallback', { 'switchyard.fallback_reason': plan.fallbackReason, 'switchyard.next_deployment': next.config.name });
  return step.delayMs;
}

/** The client's error when a failure ends the request: the provider's own verdict when no failure was the provider's fault. */
function endOfRequest<T>(s: DispatchServices, run: RequestRun<T>, plan: AttemptPlan, step: FailoverStep, failure: ProviderError): DispatchError {
  if (plan.failures.every((f) => failoverScope(f.error, run.route.config) !== 'any')) return DispatchError.fromClientError(failure);
  const because = step.mayContinue ? 'retry budget exhausted' : undefined;
  return allAttemptsFailed(plan.failures, because, s.availability.soonestRetryMs(run.route, run.order));
}
