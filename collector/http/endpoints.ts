import type { ServerResponse } from 'node:http';
import type { ChunkSink } from '../dispatch/chat-service.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import type { ChatCompletion, ChatRequest } from '../providers/provider.ts';
import { anthropicError, anthropicSink, parseMessagesBody, toAnthropicMessage } from './anthropic-messages.ts';
import { parseChatBody } from './chat-request-schema.ts';

/** One client-facing wire format over the shared dispatch path. */
export interface Endpoint {
  parse(body: unknown): { request: ChatRequest; includeUsage: boolean } | DispatchError;
  render(completion: ChatCompletion, requestId: string): unknown;
  sink(res: ServerResponse, request: ChatRequest, requestId: string, includeUsage: boolean): ChunkSink;
  errorBody(err: DispatchError): unknown;
}

const SSE_HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

export const openaiChatEndpoint: Endpoint = {
  parse(body) {
    const parsed = parseChatBody(body);
    return parsed.ok ? parsed.value : new DispatchError(400, 'invalid_request_error', parsed.message, null, parsed.param);
  },
  render: (completion) => completion,
  sink: (res, request, requestId, includeUsage) => ({
    open: () => res.writeHead(200, SSE_HEAD),
    chunk: (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`),
    fail: (message) => {
      // An error frame and no [DONE]: clients must not mistake a cut answer for a complete one.
      res.end(`data: ${JSON.stringify({ error: { message, type: 'upstream_error', code: 'stream_interrupted' } })}\n\n`);
    },
    done: (usage) => {
      if (includeUsage) {
        const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
        const completion = usage.outputTokens + usage.reasoningTokens;
        const frame = { id: requestId, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
        res.write(`data: ${JSON.stringify(frame)}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    },
  }),
  errorBody: (err) => ({ error: { message: err.message, type: err.type, param: err.param, code: err.code } }),
};

export const anthropicMessagesEndpoint: Endpoint = {
  parse(body) {
    const parsed = parseMessagesBody(body);
    return parsed.ok ? { request: parsed.request, includeUsage: true } : new DispatchError(400, 'invalid_request_error', parsed.message);
  },
  render: (completion, requestId) => toAnthropicMessage(completion, requestId),
  sink: (res, request, requestId) =>
    anthropicSink(
      (s) => res.write(s),
      (s) => res.end(s),
      () => res.writeHead(200, SSE_HEAD),
      request.model,
      requestId,
    ),
  errorBody: (err) => anthropicError(err),
};
