import { openaiUsageBody, providerFields } from './canonical-content.ts';
import { openaiFrameSchema, openaiResponseSchema, type OpenAIFrame, type OpenAIUsage } from './openai-wire.ts';
import { chunk, classifyStatus, guardStream, parseJsonFrame, parseProviderJson, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import {
  ProviderError,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type ProviderAdapter,
  type ProviderErrorKind,
  type ProviderTarget,
  type StreamEvent,
  type ToolCallDelta,
  type Usage,
} from './provider.ts';
import { openaiEmbed } from './embeddings.ts';
import { isPlainOpenAIAnswer } from './plain-openai-answer.ts';
import { reasoningEffort } from './reasoning.ts';
import { parseSse } from './sse.ts';
import { argumentsJson, ToolCallStream } from './tool-call-stream.ts';
import type { CancelSignal } from '../../core/cancel.ts';

/** OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens: split them out. */
export function openaiUsage(u: OpenAIUsage | undefined | null): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
    cachedInputTokens: cached,
    // OpenAI caches prompts automatically and does not bill cache writes.
    cacheWriteTokens: 0,
    outputTokens: Math.max(0, (u?.completion_tokens ?? 0) - reasoning),
    reasoningTokens: reasoning,
  };
}

/**
 * The canonical request is OpenAI's own shape; what changes is the deployment's model, streaming
 * options and the name of the output limit. OpenAI itself takes `max_completion_tokens` (its
 * reasoning models refuse `max_tokens`, the older name); compatible hosts (vLLM, Ollama, …) are
 * sent `max_tokens`, the name they all understand.
 */
function requestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  // A thinking budget (Anthropic face) travels as the effort it asks for: reasoning.ts.
  const limitName = target.compatible ? 'max_tokens' : 'max_completion_tokens';
  return {
    model: target.model,
    messages: request.messages.map(withoutBreakpoints),
    ...(request.max_tokens !== undefined ? { [limitName]: request.max_tokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(request.stop !== undefined ? { stop: request.stop } : {}),
    ...(request.tools?.length ? { tools: request.tools.map(({ cache_control: _breakpoint, ...tool }) => tool) } : {}),
    ...(request.tool_choice !== undefined ? { tool_choice: request.tool_choice } : {}),
    ...(request.response_format !== undefined ? { response_format: request.response_format } : {}),
    ...(request.n !== undefined ? { n: request.n } : {}),
    ...(request.logprobs !== undefined ? { logprobs: request.logprobs } : {}),
    ...(request.top_logprobs !== undefined ? { top_logprobs: request.top_logprobs } : {}),
    ...(reasoningEffort(request) !== undefined ? { reasoning_effort: reasoningEffort(request) } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    // OpenAI's own prompt-cache hints; compatible hosts may refuse fields they do not know.
    ...(!target.compatible && request.prompt_cache_key !== undefined ? { prompt_cache_key: request.prompt_cache_key } : {}),
    ...(!target.compatible && request.prompt_cache_retention !== undefined ? { prompt_cache_retention: request.prompt_cache_retention } : {}),
    ...(request.presence_penalty !== undefined ? { presence_penalty: request.presence_penalty } : {}),
    ...(request.frequency_penalty !== undefined ? { frequency_penalty: request.frequency_penalty } : {}),
    ...(request.tools?.length && request.parallel_tool_calls !== undefined ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/**
 * OpenAI caches prompt prefixes on its own and refuses fields it does not know: breakpoints stay
 * home, and so do Anthropic's signed thinking blocks (no OpenAI model can read them).
 */
function withoutBreakpoints({ thinking_blocks: _thinking, ...m }: ChatMessage): ChatMessage {
  if (!Array.isArray(m.content) || !m.content.some((p) => p.type === 'text' && p.cache_control)) return m;
  return { ...m, content: m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : p)) };
}

const auth = (target: ProviderTarget) => ({ authorization: `Bearer ${target.apiKey}` });

/** Compatible hosts sometimes report `function_call` or `eos`; anything unknown ends normally. */
export function openaiFinish(reason: string | null | undefined): FinishReason {
  if (reason === null || reason === undefined) return null;
  if (reason === 'length' || reason === 'content_filter' || reason === 'tool_calls') return reason;
  return reason === 'function_call' ? 'tool_calls' : 'stop';
}

/** OpenAI Chat Completions, also every OpenAI-compatible host (vLLM, Ollama, Groq, …). */
export const openaiAdapter: ProviderAdapter = {
  kind: 'openai',
  embed: openaiEmbed,
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, false), target, signal);
    const json = await response.json();
    // The common well-formed answer needs no schema run to be known valid (plain-openai-answer.ts).
    const body = isPlainOpenAIAnswer(json) ? json : parseProviderJson(openaiResponseSchema, json, 'chat completion');
    const usage = openaiUsage(body.usage);
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: body.created,
        model: body.model || target.model,
        choices: body.choices.map((c) => ({
          index: c.index,
          message: {
            role: 'assistant',
            content: c.message.content ?? null,
            ...(c.message.refusal ? { refusal: c.message.refusal } : {}),
            ...(c.message.tool_calls?.length
              ? {
                  tool_calls: c.message.tool_calls.map((t) => ({
                    id: t.id,
                    type: 'function' as const,
                    function: { name: t.function.name, arguments: argumentsJson(t.function.arguments) },
                  })),
                }
              : {}),
          },
          finish_reason: openaiFinish(c.finish_reason),
          ...(c.logprobs != null ? { logprobs: c.logprobs } : {}),
        })),
        ...(body.usage ? { usage: openaiUsageBody(usage) } : {}),
        ...(body.system_fingerprint ? { system_fingerprint: body.system_fingerprint } : {}),
      },
      usage,
      ...(body.usage ? {} : { usageMissing: true }),
      providerFields: providerFields({
        finish_reason: body.choices[0]?.finish_reason,
        system_fingerprint: body.system_fingerprint,
        service_tier: body.service_tier,
        refusal: body.choices[0]?.message.refusal,
      }),
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

/** A frame's tool-call pieces; a call that starts first closes the earlier ones that streamed no arguments ("{}"). */
function toolDeltas(frame: OpenAIFrame['choices'], choice: number, calls: ToolCallStream): ToolCallDelta[] {
  const c = frame?.find((x) => x.index === choice);
  return (c?.delta.tool_calls ?? []).flatMap((t) => [
    ...(t.id ? calls.closeBefore(t.index, choice) : []),
    calls.note(
      {
        index: t.index,
        ...(t.id ? { id: t.id, type: 'function' as const } : {}),
        function: { ...(t.function?.name ? { name: t.function.name } : {}), ...(t.function?.arguments ? { arguments: t.function.arguments } : {}) },
      },
      choice,
    ),
  ]);
}

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: CancelSignal): AsyncGenerator<StreamEvent> {
  let fields: Record<string, unknown> = {};
  const calls = new ToolCallStream();
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    if (message.data === '[DONE]') {
      yield { type: 'provider_fields', fields: providerFields(fields) };
      return;
    }
    const frame = parseJsonFrame(message.data, openaiFrameSchema);
    // An error frame is classified like the same error as an HTTP answer, so both modes agree.
    if (frame.error) throw new ProviderError(streamErrorKind(frame.error), frame.error.message ?? 'provider stream error');
    fields = {
      ...fields,
      system_fingerprint: frame.system_fingerprint ?? fields['system_fingerprint'],
      service_tier: frame.service_tier ?? fields['service_tier'],
    };
    const model = frame.model || target.model;
    for (const c of frame.choices ?? []) {
      const finish = openaiFinish(c.finish_reason);
      if (c.finish_reason) fields['finish_reason'] = c.finish_reason;
      const tools = toolDeltas(frame.choices, c.index, calls);
      const delta = {
        ...(c.delta.role === 'assistant' ? { role: 'assistant' as const } : {}),
        ...(c.delta.content ? { content: c.delta.content } : {}),
        ...(c.delta.refusal ? { refusal: c.delta.refusal } : {}),
        ...(tools.length ? { tool_calls: tools } : {}),
      };
      // A call that streamed no arguments gets "{}" before its choice finishes.
      const closing = finish ? calls.closeAll(c.index) : [];
      if (closing.length) {
        yield { type: 'chunk', chunk: withLogprobs(chunk(frame.id, model, frame.created, delta, null, c.index), c.logprobs) };
        yield { type: 'chunk', chunk: chunk(frame.id, model, frame.created, { tool_calls: closing }, finish, c.index) };
      } else {
        yield { type: 'chunk', chunk: withLogprobs(chunk(frame.id, model, frame.created, delta, finish, c.index), c.logprobs) };
      }
    }
    const reported = frame.usage ?? frame.x_groq?.usage;
    if (reported) yield { type: 'usage', usage: openaiUsage(reported) };
  }
  throw streamEndedEarly();
}

/** An error frame mid-stream → taxonomy: by its code or type, as an HTTP error body would be; otherwise a provider fault. */
function streamErrorKind(error: NonNullable<OpenAIFrame['error']>): ProviderErrorKind {
  const code = typeof error.code === 'string' ? error.code : null;
  const type = error.type ?? '';
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error' || type === 'requests' || type === 'tokens') return 'rate_limited';
  if (code || type === 'invalid_request_error') {
    const kind = classifyStatus(400, error.message ?? '', code);
    if (kind !== 'invalid_request') return kind;
  }
  return 'server';
}

function withLogprobs(c: ReturnType<typeof chunk>, logprobs: unknown): ReturnType<typeof chunk> {
  if (logprobs != null) c.choices[0]!.logprobs = logprobs;
  return c;
}
