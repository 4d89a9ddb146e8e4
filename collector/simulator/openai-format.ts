import { contentText, type SimAnswer, type SimToolCall } from './answer.ts';
import { header, sse, type SimRequest, type SseFrame, type WireFormat } from './wire-format.ts';

const created = () => Math.floor(Date.now() / 1000);

function usage(a: SimAnswer, choices: number) {
  // OpenAI: prompt_tokens includes cached ones, completion_tokens includes reasoning (and every choice's).
  const completion = (a.outputTokens + a.reasoningTokens) * choices;
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: completion,
    total_tokens: a.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: a.cachedTokens },
    completion_tokens_details: { reasoning_tokens: a.reasoningTokens * choices },
  };
}

const toolCall = (c: SimToolCall) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } });

/** OpenAI Chat Completions (and every OpenAI-compatible host). */
export const openaiFormat: WireFormat = {
  name: 'openai',
  route: (method, path) => (method === 'POST' && path === '/v1/chat/completions' ? {} : null),
  authorized: (headers) => /^Bearer \S+/.test(header(headers, 'authorization')),
  parse(body) {
    const b = body as {
      model?: unknown;
      messages?: unknown;
      stream?: unknown;
      max_tokens?: unknown;
      max_completion_tokens?: unknown;
      n?: unknown;
      stream_options?: { include_usage?: unknown };
      tools?: Array<{ function?: { name?: string; parameters?: unknown } }>;
      tool_choice?: string | { function?: { name?: string } };
      response_format?: { type?: string };
    };
    if (typeof b?.model !== 'string') return { error: 'you must provide a model parameter' };
    if (!Array.isArray(b.messages) || b.messages.length === 0) return { error: "'messages' must be a non-empty array" };
    const messages = b.messages as Array<{ role?: string; content?: unknown }>;
    const max = b.max_completion_tokens ?? b.max_tokens;
    const choice = b.tool_choice;
    return {
      model: b.model,
      promptTexts: messages.map((m) => contentText(m?.content)),
      maxTokens: typeof max === 'number' ? max : undefined,
      stream: b.stream === true,
      includeUsage: b.stream_options?.include_usage === true,
      choices: typeof b.n === 'number' && Number.isInteger(b.n) && b.n > 1 ? b.n : 1,
      tools: (b.tools ?? []).map((t) => ({ name: t.function?.name ?? '', parameters: t.function?.parameters })),
      toolChoice: typeof choice === 'object' ? { name: choice.function?.name ?? '' } : choice === 'none' || choice === 'required' ? choice : 'auto',
      lastUserText: contentText([...messages].reverse().find((m) => m.role === 'user')?.content),
      afterToolResult: messages[messages.length - 1]?.role === 'tool',
      json: b.response_format?.type === 'json_object' || b.response_format?.type === 'json_schema',
      images: messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((p: { type?: string }) => p?.type === 'image_url').length,
      cacheWrite: false,
    };
  },
  body: (a: SimAnswer, r: SimRequest, id: string) => ({
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: created(),
    model: r.model,
    system_fingerprint: 'fp_simulated',
    choices: Array.from({ length: r.choices ?? 1 }, (_, index) => ({
      index,
      message: {
        role: 'assistant',
        content: a.toolCalls.length ? null : a.pieces.join(''),
        ...(a.toolCalls.length ? { tool_calls: a.toolCalls.map(toolCall) } : {}),
      },
      logprobs: null,
      finish_reason: a.finishReason,
    })),
    usage: usage(a, r.choices ?? 1),
  }),
  frames(a: SimAnswer, r: SimRequest, id: string): SseFrame[] {
    const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: created(), model: r.model, system_fingerprint: 'fp_simulated' };
    const frames: SseFrame[] = [];
    // With n > 1 each choice streams in turn, every chunk naming its choice index (as OpenAI's do).
    for (let choice = 0; choice < (r.choices ?? 1); choice++) {
      frames.push({
        text: sse({ ...base, choices: [{ index: choice, delta: { role: 'assistant', content: a.toolCalls.length ? null : '' }, finish_reason: null }] }),
        content: false,
      });
      a.toolCalls.forEach((call, index) => {
        const args = JSON.stringify(call.arguments);
        const half = Math.ceil(args.length / 2);
        const delta = (d: unknown) => ({
          text: sse({ ...base, choices: [{ index: choice, delta: { tool_calls: [d] }, finish_reason: null }] }),
          content: true,
        });
        frames.push(
          delta({ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }),
          delta({ index, function: { arguments: args.slice(0, half) } }),
          delta({ index, function: { arguments: args.slice(half) } }),
        );
      });
      for (const piece of a.pieces)
        frames.push({ text: sse({ ...base, choices: [{ index: choice, delta: { content: piece }, finish_reason: null }] }), content: true });
      frames.push({ text: sse({ ...base, choices: [{ index: choice, delta: {}, finish_reason: a.finishReason }] }), content: false });
    }
    if (r.includeUsage) frames.push({ text: sse({ ...base, choices: [], usage: usage(a, r.choices ?? 1) }), content: false });
    frames.push({ text: sse('[DONE]'), content: false });
    return frames;
  },
  error(status, message) {
    const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : status === 401 ? 'invalid_request_error' : 'invalid_request_error';
    const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
    return { error: { message, type, param: null, code } };
  },
};
