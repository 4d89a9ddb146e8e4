import type { FallbackReason } from '../../core/events/attempt-event.ts';
import type { ProviderError } from '../providers/provider.ts';
import { fallbackReasonFor } from './attempt-event-builder.ts';
import type { AttemptFailure } from './attempt-outcomes.ts';
import type { NextDeployment } from './deployment-availability.ts';
import { maxWaitMs, planFailover, type FailoverStep } from './failover.ts';
import type { DispatchServices, RequestRun } from './request-run.ts';
import type { Deployment } from './route-table.ts';

/**
 * Where one request stands in its deployment order: the next attempt's number and reason, the
 * deployments tried, the failures so far, and which deployment comes next. The attempt loop asks
 * it what to do and tells it what happened; it makes no calls and records nothing.
 */
export class AttemptPlan {
  /** The next attempt's number (1-based, as on its event). */
  attemptNo = 1;
  /** Why the next attempt exists. */
  fallbackReason: FallbackReason = 'none';
  /** Every provider failure so far, for the error summary. */
  readonly failures: AttemptFailure[] = [];
  /** After a failure only a different deployment can cure, the deployments already tried are out. */
  private readonly tried = new Set<Deployment>();
  private untriedOnly = false;
  /** Index into the order just after the last deployment taken (wraps). */
  private cursor = 0;
  /** The deployment the round's first attempt went to (after a budget downgrade, if any). */
  private launched: Deployment | null = null;
  /** Chosen by the failover step after a failure (its wait already slept); null: choose afresh. */
  private planned: NextDeployment | null = null;
  private heldProbesSkipped = 0;

  constructor(
    private readonly s: DispatchServices,
    private readonly run: Pick<RequestRun<unknown>, 'route' | 'order' | 'retry' | 'deadlineMs'>,
  ) {}

  /** The next deployment and how long its Retry-After still runs; null when none may be called now. */
  pick(): NextDeployment | null {
    const { route, order } = this.run;
    const pick = this.planned ?? this.s.availability.next(route, order, this.cursor, maxWaitMs(this.run, this.s.clock.now()), this.exclusions());
    this.planned = null;
    return pick;
  }

  /** Takes the picked deployment: the order moves on past it. */
  take(pick: NextDeployment): Deployment {
    this.cursor = pick.index + 1;
    return this.at(pick.index);
  }

  /** The deployment the order points at now (named by a refusal when none can be picked). */
  current(): Deployment {
    return this.at(this.cursor);
  }

  /** Deployments after the one taken that may be called now: where a budget may downgrade the attempt. */
  downgrades(): Deployment[] {
    return this.s.availability.availableAfter(this.run.route, this.run.order, this.cursor);
  }

  markTried(deployment: Deployment): void {
    this.tried.add(deployment);
    this.launched = deployment;
  }

  /** Where a hedge twin would go: the next deployment callable at once, if it is neither the one picked nor the one the round's attempt went to. */
  hedgeCandidate(): { index: number; deployment: Deployment } | null {
    const index = this.s.availability.next(this.run.route, this.run.order, this.cursor, 0)?.index;
    // Neither the deployment picked nor the one a budget moved the attempt to: a twin on the
    // deployment already serving the request would race it against itself.
    if (index === undefined || this.at(index) === this.at(this.cursor - 1) || this.at(index) === this.launched) return null;
    return { index, deployment: this.at(index) };
  }

  /** The twin went to the candidate at `index`: tried, and the order moves on past it. */
  takeHedge(index: number): void {
    this.tried.add(this.at(index));
    this.cursor = index + 1;
  }

  /** Another request holds the picked deployment's half-open probe: may the request pass it by (at most once per deployment)? */
  passHeldProbe(): boolean {
    return this.heldProbesSkipped++ < this.run.order.length;
  }

  /** After attempt `lastNo` on `failed` failed with `failure`: where next, after how long, and whether it may go on at all. */
  stepAfter(failure: ProviderError, failed: Deployment, lastNo: number): FailoverStep {
    const { route, order, retry, deadlineMs } = this.run;
    const context = { route, retry, deadlineMs, availability: this.s.availability, random: this.s.random, now: this.s.clock.now() };
    return planFailover(context, failure, order, this.cursor, this.tried, lastNo, failed);
  }

  /** The request goes on after `step`; returns the deployment it goes to next. */
  continueWith(step: FailoverStep, failure: ProviderError, lastNo: number): Deployment {
    this.attemptNo = lastNo + 1;
    this.fallbackReason = fallbackReasonFor(failure);
    this.untriedOnly = step.scope === 'untried';
    this.planned = step.next ? { index: step.next.index, waitMs: 0 } : null;
    return this.at(step.next?.index ?? this.cursor);
  }

  private exclusions(): ReadonlySet<Deployment> | undefined {
    return this.untriedOnly ? this.tried : undefined;
  }

  private at(index: number): Deployment {
    const { order } = this.run;
    return order[index % order.length]!;
  }
}
