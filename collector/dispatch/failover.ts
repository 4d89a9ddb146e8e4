import { backoffDelayMs } from '../../core/retry/backoff.ts';
import type { RetryConfig, RouteConfig } from '../config/routes-config.ts';
import { ProviderError } from '../providers/provider.ts';
import type { DeploymentAvailability, NextDeployment } from './deployment-availability.ts';
import { InternalError } from './internal-error.ts';
import type { Deployment, Route } from './route-table.ts';

/**
 * Where a failed attempt may go next: `any` deployment, the same one included, after backoff
 * (the provider is struggling: 429, 5xx, timeouts, network); only an `untried` deployment, at
 * once (this deployment cannot serve the request: its context window, a parameter its model
 * refuses, an answer we cannot parse — or a content filter, on routes that opt in); or `none`
 * (the request itself is wrong, or our credentials are: the same everywhere).
 */
export function failoverScope(failure: ProviderError, route: RouteConfig): 'any' | 'untried' | 'none' {
  if (failure.retryable) return 'any';
  if (failure.deploymentSpecific) return 'untried';
  if (failure.kind === 'content_filter' && route.content_filter_failover) return 'untried';
  return 'none';
}

/**
 * What a rejected attempt means. Adapters classify every provider failure as a ProviderError;
 * an attempt timeout may surface as a bare TimeoutError. Anything else is a bug of ours: an
 * InternalError, never blamed on the provider (no retry, no circuit, no policy penalty).
 */
export function classifyAttemptFailure(err: unknown): ProviderError | InternalError {
  if (err instanceof ProviderError || err instanceof InternalError) return err;
  if ((err as { name?: string } | null)?.name === 'TimeoutError') return new ProviderError('timeout', 'attempt timed out');
  return new InternalError(err);
}

/** What the next attempt of a request may do after a failure. */
export interface FailoverStep {
  scope: 'any' | 'untried' | 'none';
  /** The deployment to try next (index into the order), when there is one. */
  next: NextDeployment | null;
  /** How long to wait before it: backoff, and at least the provider's Retry-After, ms. */
  delayMs: number;
  mayContinue: boolean;
}

export interface FailoverContext {
  route: Route;
  retry: RetryConfig;
  deadlineMs: number;
  availability: DeploymentAvailability;
  random: () => number;
  now: number;
}

/** The longest a request may wait for a provider's Retry-After before its next attempt, ms. */
export function maxWaitMs(run: { retry: RetryConfig; deadlineMs: number }, now: number): number {
  return Math.max(0, Math.min(run.retry.max_delay_ms, run.deadlineMs - now));
}

/**
 * After a failed attempt: where the request may go next and after how long. A retryable failure
 * may go anywhere after jittered backoff (at least the provider's Retry-After when it goes back
 * to the same deployment); a deployment-specific one only to a deployment not tried yet, at
 * once. A rate limit whose Retry-After outlasts what the request may wait ends the request (the
 * client gets the 429); open circuits are left to the next iteration, which records the refusal.
 */
export function planFailover(
  c: FailoverContext,
  failure: ProviderError,
  order: Deployment[],
  cursor: number,
  tried: ReadonlySet<Deployment>,
  attemptNo: number,
  failed: Deployment,
): FailoverStep {
  const scope = failoverScope(failure, c.route.config);
  const next = scope === 'none' ? null : c.availability.next(c.route, order, cursor, maxWaitMs(c, c.now), scope === 'untried' ? tried : undefined);
  const rateLimitedOut = next === null && c.availability.soonestRetryMs(c.route, order) !== null;
  const sameDeployment = (next ? order[next.index % order.length] : order[cursor % order.length]) === failed;
  const backoff =
    scope === 'untried'
      ? 0
      : backoffDelayMs(
          { baseDelayMs: c.retry.base_delay_ms, maxDelayMs: c.retry.max_delay_ms },
          attemptNo,
          c.random,
          sameDeployment ? failure.retryAfterMs : null,
        );
  const delayMs = Math.max(backoff, next?.waitMs ?? 0);
  const reachable = scope === 'untried' ? next !== null : scope === 'any' && !rateLimitedOut;
  const mayContinue = reachable && attemptNo < c.retry.max_attempts && c.now + delayMs < c.deadlineMs;
  return { scope, next, delayMs, mayContinue };
}
