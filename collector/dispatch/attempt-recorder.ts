import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import type { ChatRequest } from '../providers/provider.ts';
import type { AfterAnswer } from './after-answer.ts';
import { buildAttemptEvent, type AttemptFacts } from './attempt-event-builder.ts';
import type { Deployment } from './route-table.ts';

/**
 * One attempt's span (GenAI semantic conventions) and, when it ends, its event: published and told
 * to metrics. With `after`, that happens once the answer is out (after-answer.ts); without it (the
 * library, tests), before `emit` returns.
 */
export class AttemptRecorder {
  constructor(
    private readonly tracer: Tracer,
    private readonly publisher: AttemptPublisher,
    private readonly onAttempt?: (event: AttemptEvent) => void,
    private readonly after?: AfterAnswer,
  ) {}

  startSpan(parent: Span, deployment: Deployment, request: ChatRequest, attemptNo: number): Span {
    return this.tracer.startSpan(
      `chat ${deployment.config.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': providerSemconvName(deployment.config.provider),
          'gen_ai.request.model': deployment.config.model,
          'switchyard.deployment': deployment.config.name,
          'switchyard.attempt_no': attemptNo,
          'switchyard.requested_model': request.model,
        },
      },
      trace.setSpan(otelContext.active(), parent),
    );
  }

  /** Records the attempt's end: its event (built from `facts`, which must not change afterwards) and its span. */
  emit(facts: AttemptFacts, span: Span): void {
    if (!this.after) return this.record(facts, span, undefined);
    // The span ends now, as the attempt did: a performance.now() reading is what the SDK's end() takes by default.
    const endedAt = performance.now();
    this.after.defer(() => this.record(facts, span, endedAt));
  }

  private record(facts: AttemptFacts, span: Span, endedAt: number | undefined): void {
    const event = buildAttemptEvent(facts);
    span.setAttributes({
      'gen_ai.response.model': event.model,
      'gen_ai.usage.input_tokens': event.input_tokens + event.cached_input_tokens + event.cache_write_tokens,
      'gen_ai.usage.output_tokens': event.output_tokens + event.reasoning_tokens,
      'switchyard.attempt_id': event.attempt_id,
      'switchyard.cost_usd': event.cost_usd,
    });
    if (event.status !== 'ok') {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', event.error_class ?? event.status);
    }
    span.end(endedAt);
    this.publisher.publish(event);
    this.onAttempt?.(event);
  }
}

/** OTel GenAI semantic-convention provider names. */
function providerSemconvName(provider: Deployment['config']['provider']): string {
  return provider === 'gemini' ? 'gcp.gemini' : provider === 'openai-compatible' ? 'openai' : provider;
}
