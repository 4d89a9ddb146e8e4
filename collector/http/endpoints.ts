import type { ServerResponse } from 'node:http';
import type { ChatAnswer, ChunkSink } from '../dispatch/chat-service.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import { openaiUsageBody } from '../providers/canonical-content.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../providers/provider.ts';
import { anthropicError, anthropicSink, toAnthropicMessage } from './anthropic-render.ts';
import { parseMessagesBody } from './anthropic-messages.ts';
import { parseChatBody } from './chat-request-schema.ts';

/** One client-facing wire format over the shared dispatch path. */
export interface Endpoint {
  parse(body: unknown): { request: ChatRequest; includeUsage: boolean } | DispatchError;
  render(answer: ChatAnswer, requestId: string, request: ChatRequest): unknown;
  sink(res: ServerResponse, request: ChatRequest, requestId: string, includeUsage: boolean): ChunkSink;
  errorBody(err: DispatchError): unknown;
}

const SSE_HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** Tool-call ids in OpenAI's own format (`call_…`), whichever provider minted them. */
export const openaiFaceToolId = (id: string) => (id.startsWith('call_') ? id : `call_${id}`);

function openaiCompletion(c: ChatCompletion): ChatCompletion {
  return {
    ...c,
    choices: c.choices.map((choice) =>
      choice.message.tool_calls
        ? { ...choice, message: { ...choice.message, tool_calls: choice.message.tool_calls.map((t) => ({ ...t, id: openaiFaceToolId(t.id) })) } }
        : choice,
    ),
  };
}

function openaiChunk(c: ChatCompletionChunk): ChatCompletionChunk {
  if (!c.choices.some((choice) => choice.delta.tool_calls?.some((t) => t.id))) return c;
  return {
    ...c,
    choices: c.choices.map((choice) => ({
      ...choice,
      delta: {
        ...choice.delta,
        ...(choice.delta.tool_calls ? { tool_calls: choice.delta.tool_calls.map((t) => (t.id ? { ...t, id: openaiFaceToolId(t.id) } : t)) } : {}),
      },
    })),
  };
}

export const openaiErrorBody = (err: DispatchError) => ({ error: { message: err.message, type: err.type, param: err.param, code: err.code } });

export const openaiChatEndpoint: Endpoint = {
  parse(body) {
    const parsed = parseChatBody(body);
    return parsed.ok ? parsed.value : new DispatchError(400, 'invalid_request_error', parsed.message, null, parsed.param);
  },
  render: (answer) => openaiCompletion(answer.completion),
  sink: (res, request, requestId, includeUsage) => {
    // The usage frame carries the stream's own id, model and created, as OpenAI's last chunk does:
    // clients group chunks by id (and the first chunk's model is what the answer came from).
    let head: Pick<ChatCompletionChunk, 'id' | 'model' | 'created'> | undefined;
    return {
      open: () => res.writeHead(200, SSE_HEAD),
      chunk: (chunk) => {
        head ??= { id: chunk.id, model: chunk.model, created: chunk.created };
        res.write(`data: ${JSON.stringify(openaiChunk(chunk))}\n\n`);
      },
      fail: (message) => {
        // An error frame and no [DONE]: clients must not mistake a cut answer for a complete one.
        res.end(`data: ${JSON.stringify({ error: { message, type: 'upstream_error', code: 'stream_interrupted' } })}\n\n`);
      },
      done: ({ usage, estimated }) => {
        // Only usage the provider reported: the shim's own estimate is recorded, never shown as the provider's.
        if (includeUsage && !estimated) {
          const frame = {
            id: head?.id ?? requestId,
            object: 'chat.completion.chunk',
            created: head?.created ?? Math.floor(Date.now() / 1000),
            model: head?.model ?? request.model,
            choices: [],
            usage: openaiUsageBody(usage),
          };
          res.write(`data: ${JSON.stringify(frame)}\n\n`);
        }
        res.end('data: [DONE]\n\n');
      },
    };
  },
  errorBody: openaiErrorBody,
};

export const anthropicMessagesEndpoint: Endpoint = {
  parse(body) {
    const parsed = parseMessagesBody(body);
    return parsed.ok ? { request: parsed.request, includeUsage: true } : new DispatchError(400, 'invalid_request_error', parsed.message);
  },
  render: (answer, requestId) => toAnthropicMessage(answer, requestId),
  sink: (res, _request, requestId) =>
    anthropicSink(
      (s) => res.write(s),
      (s) => res.end(s),
      () => res.writeHead(200, SSE_HEAD),
      requestId,
    ),
  errorBody: (err) => anthropicError(err),
};
