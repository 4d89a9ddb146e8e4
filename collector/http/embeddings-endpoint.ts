import { z } from 'zod';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import { openaiErrorBody, type Endpoint } from './endpoints.ts';
import { openaiInvalidRequest } from './missing-field.ts';

// OpenAI's POST /v1/embeddings (platform.openai.com/docs/api-reference/embeddings) as a face
// over the shared dispatch path: the texts travel as user messages of a canonical request with
// operation `embeddings`, so routing, key limits, budgets, failover and attempt events are chat's.

const MAX_INPUTS = 2048;

const embeddingsSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(MAX_INPUTS)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

/** A vector as OpenAI's base64 encoding: little-endian float32 bytes. */
function base64Vector(v: number[]): string {
  const buffer = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buffer.writeFloatLE(x, i * 4));
  return buffer.toString('base64');
}

export const openaiEmbeddingsEndpoint: Endpoint = {
  parse(body) {
    const tokenArrays = Array.isArray((body as { input?: unknown } | null)?.input) && (body as { input: unknown[] }).input.some((x) => typeof x !== 'string');
    if (tokenArrays || typeof (body as { input?: unknown } | null)?.input === 'number') {
      return new DispatchError(
        400,
        'invalid_request_error',
        'input: token arrays are not supported through Switchyard (providers tokenize differently); send the text',
        null,
        'input',
      );
    }
    const r = embeddingsSchema.safeParse(body);
    if (!r.success) {
      const { message, param } = openaiInvalidRequest(r.error);
      return new DispatchError(400, 'invalid_request_error', message, null, param);
    }
    const b = r.data;
    const input = typeof b.input === 'string' ? [b.input] : b.input;
    return {
      request: {
        model: b.model,
        operation: 'embeddings',
        messages: input.map((text) => ({ role: 'user' as const, content: text })),
        stream: false,
        // Embeddings produce no output tokens; one bounds a budget's worst case.
        max_tokens: 1,
        ...(b.dimensions ? { dimensions: b.dimensions } : {}),
        ...(b.encoding_format ? { encoding_format: b.encoding_format } : {}),
        ...(b.user ? { user: b.user } : {}),
      },
      includeUsage: false,
    };
  },
  render(answer, _requestId, request) {
    const base64 = request.encoding_format === 'base64';
    const vectors = answer.embeddings ?? [];
    const tokens = answer.usage?.inputTokens ?? 0;
    return {
      object: 'list',
      data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Vector(v) : v })),
      model: answer.completion.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  },
  sink() {
    throw new Error('embeddings are never streamed');
  },
  errorBody: openaiErrorBody,
};
