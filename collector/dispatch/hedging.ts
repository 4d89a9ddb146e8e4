import { CancelController } from '../../core/cancel.ts';
import { sleepUnlessAborted } from '../../core/clock.ts';
import { admitHedge, releaseAdmission } from './admission.ts';
import { launchAttempt } from './attempt-launch.ts';
import type { AttemptPlan } from './attempt-plan.ts';
import type { HedgeRace } from './hedge-race.ts';
import type { DispatchServices, LaunchedAttempt, RequestRun } from './request-run.ts';

/**
 * Hedging: waits for a round's first attempt up to the route's hedge delay; if it has neither
 * answered nor failed by then, starts a twin on the next deployment callable at once (budget
 * permitting), with its own attempt number and fallback reason `hedge`. The first to commit wins
 * (HedgeRace). Returns the twin, wrapped so that awaiting this does not wait for it; null when
 * none was started.
 */
export async function hedgeAfterDelay<T>(
  s: DispatchServices,
  run: RequestRun<T>,
  plan: AttemptPlan,
  race: HedgeRace,
  first: Promise<LaunchedAttempt<T>>,
): Promise<{ twin: Promise<LaunchedAttempt<T>> } | null> {
  const stopTimer = new CancelController();
  const timer = sleepUnlessAborted(s.memory.hedgeDelayMs(run.route), run.ctx.signal, stopTimer.signal).then(() => 'timer' as const);
  const winner = await Promise.race([first.then(() => 'first' as const), timer]);
  stopTimer.abort();
  if (winner === 'first' || race.decided || run.ctx.signal.aborted) return null;
  const candidate = plan.hedgeCandidate();
  if (!candidate) return null;
  const admitted = await admitHedge(run, candidate.deployment);
  if (!admitted || race.decided) {
    releaseAdmission(run, admitted);
    return null;
  }
  run.requestSpan.addEvent('hedge', { 'switchyard.next_deployment': candidate.deployment.config.name });
  plan.takeHedge(candidate.index);
  // The twin exists because the first attempt was slow, not because it failed: its own reason, `hedge`.
  return { twin: launchAttempt(s, run, candidate.deployment, plan.attemptNo + 1, 'hedge', admitted.admission, { race, raceId: 1 }) };
}
