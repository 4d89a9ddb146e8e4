import { systemClock, type Clock } from '../../core/clock.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import { buildAttemptEvent, ZERO_USAGE } from '../dispatch/attempt-event-builder.ts';
import type { RequestContext } from '../dispatch/request-context.ts';
import type { Deployment } from '../dispatch/route-table.ts';
import { estimateUsage } from '../dispatch/usage-estimate.ts';
import { ProviderError, type ChatRequest, type Usage } from '../providers/provider.ts';
import { shapeOfCompletion } from './answer-shape.ts';
import { checkAnswer } from './check-answer.ts';
import type { ParityRouteConfig } from './parity-config.ts';
import type { AnswerContract } from './request-contract.ts';
import type { SchemaValidators } from './schema-validators.ts';
import { ShadowBudget } from './shadow-budget.ts';
import { structuralDifferences, type ComparedAnswer } from './structural-compare.ts';

/** The tag every shadow attempt carries in `tags.extra` (so chargeback shows it as its own spend), and the served deployment it shadows. */
export const SHADOW_TAG = 'shadow';
export const SHADOW_OF_TAG = 'shadow_of';

export interface ShadowMirrorOptions {
  publisher: AttemptPublisher;
  validators: SchemaValidators;
  clock?: Clock;
  random?: () => number;
  /** A shadow call gets at most this long, ms (it never delays the client, who already has the answer). */
  timeoutMs?: number;
  /** Told about every shadow attempt event, after it was published. */
  onShadow?: (event: AttemptEvent) => void;
}

/** What was served, for the comparison. */
export interface ServedAnswer {
  route: string;
  deployment: Deployment;
  answer: ComparedAnswer;
}

/**
 * Shadow parity: copies a sample of served requests to a route's alternate deployment after the
 * client has its answer, records the copy as its own costed attempt (not final, fallback reason
 * `none`, `tags.extra.shadow = "true"`, `shadow` on the event with the comparison) and never
 * lets it touch the client. Spend is bounded per route and UTC day by ShadowBudget.
 */
export class ShadowMirror {
  private readonly clock: Clock;
  private readonly random: () => number;
  readonly budget = new ShadowBudget();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: ShadowMirrorOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Starts a shadow call when the route samples this request and its budget allows; returns at once. */
  maybeMirror(
    config: ParityRouteConfig | undefined,
    request: ChatRequest,
    ctx: RequestContext,
    contract: AnswerContract | null,
    served: ServedAnswer,
    alternate: Deployment | undefined,
  ): void {
    const shadow = config?.shadow;
    if (!shadow || !alternate || alternate === served.deployment) return;
    if (!contract && !shadow.include_uncontracted) return;
    if (this.random() >= shadow.sample) return;
    if (!this.budget.tryStart(served.route, shadow.budget_usd_per_day, shadow.max_in_flight, this.clock.now())) return;
    const run = this.call(request, ctx, contract, served, alternate).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves when every shadow call started so far has ended (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async call(request: ChatRequest, ctx: RequestContext, contract: AnswerContract | null, served: ServedAnswer, alternate: Deployment): Promise<void> {
    const startedAtMs = this.clock.now();
    let usage: Usage = ZERO_USAGE;
    let failure: ProviderError | null = null;
    let compared: ComparedAnswer | null = null;
    let responseModel: string | null = null;
    let estimated = false;
    try {
      // Its own signal: the client may be gone already, and a shadow must not outlive its timeout.
      const signal = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
      const result = await alternate.adapter.complete({ ...request, model: request.model, stream: false }, alternate.target, signal);
      const shape = shapeOfCompletion(result.completion);
      estimated = result.usageMissing === true;
      usage = estimated ? estimateUsage(request, shape.content + shape.toolCalls.map((c) => c.arguments).join('')) : result.usage;
      responseModel = result.completion.model;
      compared = { shape, outcome: checkAnswer(contract, shape, this.options.validators).outcome };
    } catch (err) {
      failure = err instanceof ProviderError ? err : new ProviderError('network', 'shadow call failed');
    }
    const differences = compared ? structuralDifferences(served.answer, compared) : ['shadow_failed'];
    const extra = { ...ctx.tags.extra, [SHADOW_TAG]: 'true', [SHADOW_OF_TAG]: served.deployment.config.name };
    const event: AttemptEvent = {
      ...buildAttemptEvent({
        context: { ...ctx, tags: { ...ctx.tags, extra } },
        route: served.route,
        requestedModel: request.model,
        deployment: alternate,
        attemptNo: 1,
        isFinal: false,
        isStream: false,
        startedAtMs,
        endedAtMs: this.clock.now(),
        ttftMs: null,
        responseModel,
        usage,
        usageEstimated: estimated,
        fallbackReason: 'none',
        failure,
        finishReason: (compared?.shape.finishReason ?? null) as never,
      }),
      parity: compared?.outcome ?? 'none',
      shadow: { of: served.deployment.config.name, match: differences.length === 0, differences },
    };
    this.budget.finish(served.route, event.cost_usd, this.clock.now());
    this.options.publisher.publish(event);
    this.options.onShadow?.(event);
  }
}
