import type { Span } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.ts';
import type { FallbackReason } from '../../core/events/attempt-event.ts';
import type { Budgets } from '../budget/budget-gate.ts';
import type { RetryConfig } from '../config/routes-config.ts';
import type { ChatRequest, Usage } from '../providers/provider.ts';
import type { DeploymentBreakers } from '../resilience/deployment-breakers.ts';
import type { RetryBudget } from '../resilience/retry-budget.ts';
import type { Tier } from '../routing/tiers.ts';
import type { AttemptFacts } from './attempt-event-builder.ts';
import type { AttemptExecutor, AttemptResult } from './attempt-executor.ts';
import type { AttemptRecorder } from './attempt-recorder.ts';
import type { DeploymentAvailability } from './deployment-availability.ts';
import { DispatchError } from './dispatch-error.ts';
import type { HedgeRace } from './hedge-race.ts';
import type { RequestContext } from './request-context.ts';
import type { RouteMemory } from './route-memory.ts';
import type { Deployment, Route } from './route-table.ts';

/** The process-wide parts every request's attempts share, built once by the Dispatcher. */
export interface DispatchServices {
  clock: Clock;
  random: () => number;
  recorder: AttemptRecorder;
  breakers: DeploymentBreakers;
  availability: DeploymentAvailability;
  memory: RouteMemory;
  retryBudget: RetryBudget;
}

/** Everything one request's attempts share; fixed when the request starts (a reload never changes it mid-request). */
export interface RequestRun<T> {
  route: Route;
  /** The request as dispatched (see `boundedRequest`): a copy when it differs, never the caller's object changed. */
  request: ChatRequest;
  ctx: RequestContext;
  execute: AttemptExecutor<T>;
  requestSpan: Span;
  retry: RetryConfig;
  /** The requested tier on routes with several, else null. */
  tier: Tier | null;
  /** The deployments in the order they are tried (deployment-order.ts); never empty. */
  order: Deployment[];
  /** The prompt's token count, counted once on first use. */
  prompt: () => number;
  /** The budgets this request is subject to; null when none applies. */
  budgets: Budgets | null;
  /** When the whole request must be over, clock ms. */
  deadlineMs: number;
}

/** What an attempt is, known when it starts. */
export type AttemptStart = Omit<AttemptFacts, 'isFinal' | 'endedAtMs' | 'ttftMs' | 'responseModel' | 'usage' | 'failure'>;

/** What every attempt of `run` on `deployment` starts with; the launch adds its tier and budget. */
export function attemptStart<T>(
  run: RequestRun<T>,
  deployment: Deployment,
  attemptNo: number,
  fallbackReason: FallbackReason,
  startedAtMs: number,
): AttemptStart {
  const { ctx: context, route, request } = run;
  return { context, route: route.config.name, requestedModel: request.model, deployment, attemptNo, isStream: request.stream, startedAtMs, fallbackReason };
}

/** A started attempt once it settled: never a rejection, the failure is in `outcome`. */
export interface LaunchedAttempt<T> {
  facts: AttemptStart;
  span: Span;
  /** Settles the attempt's budget reservation at this usage's cost (no-op without a budget). */
  settle(usage: Usage): void;
  /** Its place in a hedge race: 0 for the first attempt, 1 for the twin. */
  raceId: number;
  outcome: { ok: true; result: AttemptResult<T> } | { ok: false; error: unknown };
}

/** The attempts one round started (one, or two when hedged), all settled, and their race. */
export interface Round<T> {
  attempts: Array<LaunchedAttempt<T>>;
  race: HedgeRace | null;
}

/** The client went away: 499, nothing more is tried. */
export const cancelledError = (): DispatchError => new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
