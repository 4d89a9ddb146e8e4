import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { ProviderError, type ChatRequest } from '../providers/provider.ts';
import type { AttemptControl, AttemptResult } from './attempt-executor.ts';
import type { Deployment } from './route-table.ts';

/** Vectors in input order and the model that made them. */
export interface Embeddings {
  vectors: number[][];
  model: string;
}

/** The texts an embeddings request carries: one user message per input. */
export const embeddingInputs = (request: ChatRequest): string[] => request.messages.map((m) => (typeof m.content === 'string' ? m.content : ''));

/**
 * One embeddings attempt on a deployment. Priced and recorded like chat (input tokens only);
 * a provider that reports no token count (Gemini) has its input counted with the tokenizer and
 * the attempt marked estimated.
 */
export async function embeddingAttempt(deployment: Deployment, control: AttemptControl): Promise<AttemptResult<Embeddings> & { usageEstimated: boolean }> {
  const { request } = control;
  const embed = deployment.adapter.embed;
  // Routing never sends embeddings to a provider without them (capabilities); this guards the invariant.
  if (!embed) throw new ProviderError('invalid_request', `${deployment.config.provider} has no embeddings endpoint`);
  const input = embeddingInputs(request);
  const result = await embed(
    { model: request.model, input, ...(request.dimensions ? { dimensions: request.dimensions } : {}), ...(request.user ? { user: request.user } : {}) },
    deployment.target,
    control.signal,
  );
  if (result.vectors.length !== input.length)
    throw new ProviderError('invalid_response', `provider returned ${result.vectors.length} embeddings for ${input.length} inputs`);
  const estimated = result.usageMissing === true;
  const usage = estimated ? { ...result.usage, inputTokens: input.reduce((n, t) => n + countTokens(t), 0) } : result.usage;
  return {
    value: { vectors: result.vectors, model: result.model },
    usage,
    usageEstimated: estimated,
    responseModel: result.model,
    ttftMs: null,
    finishReason: null,
    providerFields: { operation: 'embeddings' },
  };
}
