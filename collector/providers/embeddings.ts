import { z } from 'zod';
import { parseProviderJson, postJson } from './provider-http.ts';
import type { ProviderTarget, Usage } from './provider.ts';
import type { CancelSignal } from '../../core/cancel.ts';

/** The canonical embeddings request: texts in, one vector each. */
export interface EmbeddingRequest {
  model: string;
  input: string[];
  /** Output dimensions, for models that can shorten their vectors. */
  dimensions?: number;
  user?: string;
}

export interface EmbeddingResult {
  vectors: number[][];
  model: string;
  usage: Usage;
  /** The provider reported no token count (Gemini): the caller counts the input. */
  usageMissing?: boolean;
}

export type Embedder = (request: EmbeddingRequest, target: ProviderTarget, signal: CancelSignal) => Promise<EmbeddingResult>;

const inputOnly = (tokens: number): Usage => ({ inputTokens: tokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });

// platform.openai.com/docs/api-reference/embeddings/object
const openaiEmbeddingsSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  model: z.string().default(''),
  usage: z.looseObject({ prompt_tokens: z.number().nonnegative() }).nullish(),
});

/** OpenAI and compatible hosts: POST /embeddings, floats requested (the face encodes base64 itself). */
export const openaiEmbed: Embedder = async (request, target, signal) => {
  const body = {
    model: target.model,
    input: request.input,
    encoding_format: 'float',
    ...(request.dimensions ? { dimensions: request.dimensions } : {}),
    ...(request.user ? { user: request.user } : {}),
  };
  const response = await postJson(`${target.baseUrl}/embeddings`, { authorization: `Bearer ${target.apiKey}` }, body, target, signal);
  const parsed = parseProviderJson(openaiEmbeddingsSchema, await response.json(), 'embeddings response');
  const vectors = [...parsed.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  return { vectors, model: parsed.model || target.model, usage: inputOnly(parsed.usage?.prompt_tokens ?? 0), ...(parsed.usage ? {} : { usageMissing: true }) };
};

// ai.google.dev/api/embeddings#method:-models.batchembedcontents
const geminiEmbeddingsSchema = z.looseObject({ embeddings: z.array(z.looseObject({ values: z.array(z.number()) })) });

/** Gemini batchEmbedContents: one request per text; Gemini reports no token count. */
export const geminiEmbed: Embedder = async (request, target, signal) => {
  const model = `models/${target.model}`;
  const body = {
    requests: request.input.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
    })),
  };
  const response = await postJson(`${target.baseUrl}/v1beta/${model}:batchEmbedContents`, { 'x-goog-api-key': target.apiKey }, body, target, signal);
  const parsed = parseProviderJson(geminiEmbeddingsSchema, await response.json(), 'batchEmbedContents response');
  return { vectors: parsed.embeddings.map((e) => e.values), model: target.model, usage: inputOnly(0), usageMissing: true };
};
