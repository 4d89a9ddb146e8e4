import type { AttemptBudget, FallbackReason } from '../../core/events/attempt-event.ts';
import { inputOnlyUsage } from '../budget/worst-case-cost.ts';
import { storedContent } from '../privacy/stored-content.ts';
import type { ProviderError } from '../providers/provider.ts';
import { ZERO_USAGE, type AttemptRefusal } from './attempt-event-builder.ts';
import type { AttemptResult } from './attempt-executor.ts';
import { classifyAttemptFailure } from './failover.ts';
import type { HedgeRace } from './hedge-race.ts';
import { InternalError } from './internal-error.ts';
import { attemptStart, type DispatchServices, type LaunchedAttempt, type RequestRun } from './request-run.ts';
import type { Deployment } from './route-table.ts';

// Recording: how each attempt of a request ended — its event and span (attempt-recorder.ts), its
// budget reservation settled at what it really cost, and for the answer, the latency and sticky
// deployment remembered for later requests. One event per attempt, always.

/** A failure for the 503 summary: which deployment, and how it failed. */
export interface AttemptFailure {
  deployment: string;
  error: ProviderError;
}

/**
 * Records the answer as the final attempt and returns its value. A stream the client left after
 * commit is `cancelled`, charged its input (counted when the provider said none) and the output it got.
 */
export function recordAnswer<T>(s: DispatchServices, run: RequestRun<T>, winner: LaunchedAttempt<T>, result: AttemptResult<T>): T {
  const clientLeft = (result.clientLeft === true || Boolean(result.failedAfterCommit)) && run.ctx.signal.aborted;
  const billedInput = result.usage.inputTokens + result.usage.cachedInputTokens + result.usage.cacheWriteTokens;
  const usage = clientLeft && billedInput === 0 ? { ...result.usage, inputTokens: run.prompt() } : result.usage;
  winner.settle(usage);
  const latencyMs = result.ttftMs ?? s.clock.now() - winner.facts.startedAtMs;
  s.memory.recordSuccess(run.route, winner.facts.deployment, latencyMs, run.ctx.conversationId);
  const store = run.route.config.store_content;
  // The keys to redact are gathered only for routes that store content.
  const content = store
    ? storedContent(
        run.request,
        result.completionText ?? '',
        store,
        run.route.deployments.map((d) => d.target.apiKey),
      )
    : null;
  s.recorder.emit(
    {
      ...winner.facts,
      isFinal: true,
      endedAtMs: s.clock.now(),
      ttftMs: result.ttftMs,
      responseModel: result.responseModel,
      usage,
      usageEstimated: result.usageEstimated ?? false,
      failure: clientLeft ? 'cancelled' : (result.failedAfterCommit ?? null),
      finishReason: result.finishReason ?? null,
      providerFields: result.providerFields ?? {},
      content,
      parity: result.parity,
    },
    winner.span,
  );
  return result.value;
}

/**
 * Records an attempt that did not produce the answer: a hedge loser or one cut off by the client
 * (both charged their input: the provider read the prompt), or a failure. Returns the failure
 * for the 503 summary, if it was a provider's.
 */
export function recordUnanswered<T>(
  s: DispatchServices,
  run: RequestRun<T>,
  a: LaunchedAttempt<T>,
  race: HedgeRace | null,
  clientGone: boolean,
  isFinal: boolean,
): AttemptFailure | null {
  const refusal: AttemptRefusal | null = race?.lost(a.raceId) ? 'hedge_lost' : clientGone ? 'cancelled' : null;
  if (refusal) {
    const usage = inputOnlyUsage(run.prompt());
    a.settle(usage);
    s.recorder.emit({ ...a.facts, isFinal, endedAtMs: s.clock.now(), ttftMs: null, responseModel: null, usage, failure: refusal }, a.span);
    return null;
  }
  const error = classifyAttemptFailure(a.outcome.ok ? null : a.outcome.error);
  recordFailure(s, a, error instanceof InternalError ? 'internal_error' : error, isFinal);
  return error instanceof InternalError ? null : { deployment: a.facts.deployment.config.name, error };
}

/** Records a failed attempt (its failure already classified): no usage, its reservation released. */
export function recordFailure<T>(s: DispatchServices, a: LaunchedAttempt<T>, failure: ProviderError | 'internal_error', isFinal: boolean): void {
  a.settle(ZERO_USAGE);
  s.recorder.emit({ ...a.facts, isFinal, endedAtMs: s.clock.now(), ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure }, a.span);
}

/** Drops an attempt that never reached the provider and does not count (another request held the half-open probe). */
export function discardAttempt<T>(a: LaunchedAttempt<T>): void {
  a.settle(ZERO_USAGE);
  a.span.end();
}

/** Records an attempt that made no call (every circuit open, every deployment cooling down, or the budget refused) as `rejected`. */
export function recordRefusal<T>(
  s: DispatchServices,
  run: RequestRun<T>,
  deployment: Deployment,
  attemptNo: number,
  fallbackReason: FallbackReason,
  failure: 'circuit_open' | 'budget_exhausted' | 'rate_limit_cooldown',
  budget?: AttemptBudget,
): void {
  const now = s.clock.now();
  const span = s.recorder.startSpan(run.requestSpan, deployment, run.request, attemptNo);
  s.recorder.emit(
    {
      ...attemptStart(run, deployment, attemptNo, fallbackReason, now),
      isFinal: true,
      endedAtMs: now,
      ttftMs: null,
      responseModel: null,
      usage: ZERO_USAGE,
      failure,
      ...(budget ? { budget } : {}),
    },
    span,
  );
}
