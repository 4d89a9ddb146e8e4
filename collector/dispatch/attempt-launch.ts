import type { FallbackReason } from '../../core/events/attempt-event.ts';
import type { Admission } from '../budget/budget-gate.ts';
import { actualNano } from '../budget/worst-case-cost.ts';
import type { Usage } from '../providers/provider.ts';
import type { AttemptControl } from './attempt-executor.ts';
import { breakerKey } from './deployment-availability.ts';
import { HedgeLostError, type HedgeRace } from './hedge-race.ts';
import { attemptStart, type AttemptStart, type DispatchServices, type LaunchedAttempt, type RequestRun } from './request-run.ts';
import type { Deployment } from './route-table.ts';
import { CancelController, type CancelSignal } from '../../core/cancel.ts';

/** Where an attempt stands in a hedge race: the race and its place in it (0 first, 1 twin); no race when the route does not hedge. */
export interface RaceEntry {
  race: HedgeRace | null;
  raceId: number;
}

/**
 * Starts one attempt on `deployment` through its circuit breaker, under the attempt timeout (cut
 * to the request's deadline), the client's disconnect and, when hedged, its race. The promise
 * never rejects: a failure comes back as the outcome, to be recorded by the caller.
 */
export function launchAttempt<T>(
  s: DispatchServices,
  run: RequestRun<T>,
  deployment: Deployment,
  attemptNo: number,
  fallbackReason: FallbackReason,
  admission: Admission<Deployment> | null,
  entry: RaceEntry,
): Promise<LaunchedAttempt<T>> {
  const startedAtMs = s.clock.now();
  const facts: AttemptStart = {
    ...attemptStart(run, deployment, attemptNo, fallbackReason, startedAtMs),
    tier: run.tier ? deployment.config.tier : '',
    ...(admission ? { budget: admission.budget } : {}),
  };
  const settle = settler(run, admission, deployment);
  const span = s.recorder.startSpan(run.requestSpan, deployment, run.request, attemptNo);
  const timeoutMs = Math.min(run.retry.attempt_timeout_ms, run.deadlineMs - startedAtMs);
  const { raceId } = entry;
  run.ctx.timing?.attemptStarted();
  const attempt = s.breakers.run(breakerKey(run.route, deployment), () =>
    withAttemptSignal(run, timeoutMs, entry, (control) => run.execute(deployment, control)),
  );
  return attempt
    .then(
      (result): LaunchedAttempt<T> => ({ facts, span, settle, raceId, outcome: { ok: true, result } }),
      (error: unknown): LaunchedAttempt<T> => ({ facts, span, settle, raceId, outcome: { ok: false, error } }),
    )
    .finally(() => run.ctx.timing?.attemptEnded());
}

/**
 * Settles the attempt's budget reservation at what it really cost. Returned rather than declared
 * as a named local: tsx (esbuild keepNames) renames every named closure each time one is created.
 */
function settler<T>(run: RequestRun<T>, admission: Admission<Deployment> | null, deployment: Deployment): (usage: Usage) => void {
  return (usage) => {
    if (admission) run.budgets!.gate.settle(admission.reservation, actualNano(usage, deployment.price));
  };
}

/** Aborts `controller` with the reason `signal` was aborted for. */
function abortWith(controller: CancelController, signal: CancelSignal): () => void {
  return () => controller.abort(signal.reason);
}

/**
 * Aborts the attempt on client disconnect, or on timeout until the response is committed. In a
 * hedge race, committing claims the win (a loser's commit throws) and aborts the twin.
 */
async function withAttemptSignal<T, R>(
  run: RequestRun<T>,
  timeoutMs: number,
  { race, raceId }: RaceEntry,
  fn: (control: AttemptControl) => Promise<R>,
): Promise<R> {
  const clientSignal = run.ctx.signal;
  const controller = new CancelController();
  race?.join(raceId, controller);
  const onClientAbort = abortWith(controller, clientSignal);
  clientSignal.addEventListener('abort', onClientAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('attempt timed out', 'TimeoutError')), Math.max(1, timeoutMs));
  const control: AttemptControl = {
    signal: controller.signal,
    request: run.request,
    commit() {
      clearTimeout(timer);
      if (race && !race.claim(raceId)) throw new HedgeLostError();
    },
  };
  try {
    const value = await fn(control);
    control.commit();
    return value;
  } finally {
    clearTimeout(timer);
    clientSignal.removeEventListener('abort', onClientAbort);
  }
}
