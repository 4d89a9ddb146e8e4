import type { ChatCompletion, ChatCompletionChunk, ChatRequest, FinishReason, ProviderFields, Usage } from '../providers/provider.ts';
import { ProviderError } from '../providers/provider.ts';
import { ZERO_USAGE } from './attempt-event-builder.ts';
import type { AttemptResult, Dispatcher } from './dispatcher.ts';
import type { RequestContext } from './request-context.ts';
import { systemClock, type Clock } from '../../core/clock.ts';

/** Where a streamed answer goes. Nothing reaches it before `open`, which happens at most once. */
export interface ChunkSink {
  open(): void;
  chunk(chunk: ChatCompletionChunk): void;
  /** The upstream broke after commit: end with an explicit error, never a clean finish. */
  fail(message: string): void;
  done(usage: Usage): void;
}

/** Chat completions over the dispatcher, non-streaming and streaming. */
export class ChatService {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock = systemClock,
  ) {}

  complete(request: ChatRequest, ctx: RequestContext): Promise<ChatCompletion> {
    return this.dispatcher.run(request, ctx, async (deployment, control) => {
      const result = await deployment.adapter.complete({ ...request, stream: false }, deployment.target, control.signal);
      const choice = result.completion.choices[0];
      return {
        value: result.completion,
        usage: result.usage,
        responseModel: result.completion.model,
        ttftMs: null,
        finishReason: choice?.finish_reason ?? null,
        providerFields: result.providerFields,
        completionText: choice?.message.content ?? '',
      };
    });
  }

  /**
   * Streams through the dispatcher. Frames are held back until the first content (text or a
   * tool call), so a provider that fails before saying anything is still replaced
   * transparently; after that the stream is committed to its provider.
   */
  stream(request: ChatRequest, ctx: RequestContext, sink: ChunkSink): Promise<void> {
    return this.dispatcher.run(request, ctx, async (deployment, control): Promise<AttemptResult<void>> => {
      const startedAt = this.clock.now();
      const events = await deployment.adapter.stream({ ...request, stream: true }, deployment.target, control.signal);
      const held: ChatCompletionChunk[] = [];
      let committed = false;
      let ttftMs: number | null = null;
      let usage: Usage | null = null;
      let responseModel: string | null = null;
      let finishReason: FinishReason = null;
      let providerFields: ProviderFields = {};
      let text = '';
      let toolArgumentChars = 0;
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
          text += pieceText;
          toolArgumentChars += event.chunk.choices.reduce((n, c) => n + (c.delta.tool_calls ?? []).reduce((m, t) => m + (t.function.arguments?.length ?? 0), 0), 0);
          finishReason = event.chunk.choices.find((c) => c.finish_reason)?.finish_reason ?? finishReason;
          if (!committed && pieceText === '' && !hasToolCall && event.chunk.choices.every((c) => c.finish_reason === null)) {
            held.push(event.chunk);
            continue;
          }
          if (!committed) {
            committed = true;
            ttftMs = this.clock.now() - startedAt;
            // A hedged twin may have committed first: then this attempt loses and stops here.
            control.commit();
            sink.open();
            for (const h of held) sink.chunk(h);
          }
          sink.chunk(event.chunk);
        }
      } catch (err) {
        if (!committed) throw err;
        const error = err instanceof ProviderError ? err : new ProviderError('network', 'stream broke');
        sink.fail(`upstream stream failed: ${error.kind}`);
        // The provider never reported usage for a cut stream: estimate output at ~4 characters a token.
        const partial = usage ?? { ...ZERO_USAGE, outputTokens: Math.ceil((text.length + toolArgumentChars) / 4) };
        return { value: undefined, usage: partial, responseModel, ttftMs, failedAfterCommit: error, providerFields, completionText: text };
      }
      if (!committed) {
        control.commit();
        sink.open();
        for (const h of held) sink.chunk(h);
      }
      sink.done(usage ?? ZERO_USAGE);
      return { value: undefined, usage: usage ?? ZERO_USAGE, responseModel, ttftMs, finishReason, providerFields, completionText: text };
    });
  }
}
