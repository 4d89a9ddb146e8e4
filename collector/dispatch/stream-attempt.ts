import type { Clock } from '../../core/clock.ts';
import { ProviderError, type ChatCompletionChunk, type FinishReason, type ProviderFields, type Usage } from '../providers/provider.ts';
import type { AttemptControl, AttemptResult } from './attempt-executor.ts';
import { InternalError } from './internal-error.ts';
import type { Deployment } from './route-table.ts';
import { cutStreamUsage, estimateUsage } from './usage-estimate.ts';

/** What a streamed answer carries at commit, for faces that state it up front (Anthropic's message_start). */
export interface StreamStart {
  model: string;
  /** Usage known so far (Anthropic reports input counts first); null when the provider has said none yet. */
  usage: Usage | null;
}

/** Where a streamed answer goes. Nothing reaches it before `open`, which happens at most once. */
export interface ChunkSink {
  open(start: StreamStart): void;
  chunk(chunk: ChatCompletionChunk): void;
  /** The upstream broke after commit: end with an explicit error, never a clean finish. */
  fail(message: string): void;
  /**
   * The answer is complete. `estimated`: the provider reported no usage and `usage` is the shim's
   * own count — a face that can leave usage out (OpenAI's) must, rather than present it as the provider's.
   */
  done(final: { usage: Usage; estimated: boolean }): void;
}

export interface StreamOutcome extends AttemptResult<void> {
  text: string;
  toolArgumentChars: number;
}

/**
 * One streamed attempt. Frames are held back until the first content (text, thinking, a tool
 * call or a finish), so a provider that fails before saying anything is still replaced transparently;
 * after that the stream is committed to its provider. A content-filter finish before any
 * content fails over instead when the route allows it.
 */
export async function streamAttempt(
  deployment: Deployment,
  control: AttemptControl,
  sink: ChunkSink,
  clock: Clock,
  contentFilterFailover: boolean,
): Promise<StreamOutcome> {
  const { request } = control;
  const startedAt = clock.now();
  const events = await deployment.adapter.stream({ ...request, stream: true }, deployment.target, control.signal);
  const held: ChatCompletionChunk[] = [];
  let committed = false;
  let ttftMs: number | null = null;
  let usage: Usage | null = null;
  let responseModel: string | null = null;
  let finishReason: FinishReason = null;
  let providerFields: ProviderFields = {};
  let text = '';
  let reasoning = '';
  let toolArguments = '';
  const commit = () => {
    committed = true;
    ttftMs = clock.now() - startedAt;
    // A hedged twin may have committed first: then this attempt loses and stops here.
    control.commit();
    sink.open({ model: responseModel ?? deployment.config.model, usage });
    for (const h of held) sink.chunk(h);
  };
  try {
    for await (const event of events) {
      if (event.type === 'usage') {
        usage = event.usage;
        continue;
      }
      if (event.type === 'provider_fields') {
        providerFields = event.fields;
        continue;
      }
      responseModel = event.chunk.model || responseModel;
      const pieceText = event.chunk.choices.map((c) => c.delta.content ?? '').join('');
      const hasToolCall = event.chunk.choices.some((c) => c.delta.tool_calls?.length);
      const pieceReasoning = event.chunk.choices.map((c) => c.delta.reasoning_content ?? '').join('');
      // Thinking is content the client streams live: held back, it would arrive in one burst
      // when the answer starts, after an unbounded buffer.
      const hasThinking = pieceReasoning !== '' || event.chunk.choices.some((c) => c.delta.thinking_blocks?.length);
      text += pieceText;
      reasoning += pieceReasoning;
      toolArguments += event.chunk.choices.map((c) => (c.delta.tool_calls ?? []).map((t) => t.function.arguments ?? '').join('')).join('');
      finishReason = event.chunk.choices.find((c) => c.finish_reason)?.finish_reason ?? finishReason;
      if (!committed && pieceText === '' && !hasToolCall && !hasThinking && event.chunk.choices.every((c) => c.finish_reason === null)) {
        held.push(event.chunk);
        continue;
      }
      if (!committed && contentFilterFailover && finishReason === 'content_filter' && text === '' && !hasToolCall && !hasThinking) {
        throw new ProviderError('content_filter', 'the provider filtered this request before answering');
      }
      if (!committed) commit();
      sink.chunk(event.chunk);
    }
  } catch (err) {
    if (!committed) throw err;
    // After commit the attempt is this answer whatever happens. A committed attempt's signal
    // aborts without a ProviderError only when the client left (a timeout becomes one, and only
    // an uncommitted twin loses a hedge): the provider generated what the client read, so it is
    // billed, not just the prompt.
    const clientLeft = control.signal.aborted && !(err instanceof ProviderError);
    if (!clientLeft) {
      // The client is still there with part of an answer: end it with an explicit error.
      if (!(err instanceof ProviderError)) {
        sink.fail('internal error');
        throw err instanceof InternalError ? err : new InternalError(err);
      }
      sink.fail(`upstream stream failed: ${err.kind}`);
    }
    // Usage reported before the cut may be interim (Anthropic's output_tokens 1): at least what was sent is billed.
    const partial = cutStreamUsage(request, usage, text + toolArguments, reasoning);
    return {
      value: undefined,
      usage: partial.usage,
      responseModel,
      ttftMs,
      ...(clientLeft ? { clientLeft } : { failedAfterCommit: err as ProviderError }),
      providerFields,
      completionText: text,
      text,
      toolArgumentChars: toolArguments.length,
      usageEstimated: partial.estimated,
    };
  }
  if (!committed) commit();
  const final = usage ?? estimateUsage(request, text + toolArguments, reasoning);
  sink.done({ usage: final, estimated: usage === null });
  return {
    value: undefined,
    usage: final,
    responseModel,
    ttftMs,
    finishReason,
    providerFields,
    completionText: text,
    text,
    toolArgumentChars: toolArguments.length,
    usageEstimated: usage === null,
  };
}
