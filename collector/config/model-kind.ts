/**
 * Embedding models by name: OpenAI's `text-embedding-*`, Google's `gemini-embedding-*` and
 * `text-embedding-*`, and the open ones hosts serve (`nomic-embed-text`, `mxbai-embed-large`,
 * Cohere's `embed-*`). Every input-only entry of the price catalog (genai-prices) matches. A model
 * named otherwise that embeds (e.g. `bge-m3`) is not recognised: it is then routed and priced as
 * any other model.
 */
const EMBEDDING_MODEL = /embed/i;

/** Whether `model` (a provider's model id) is an embedding model: it answers embeddings, not chat. */
export function isEmbeddingModel(model: string): boolean {
  return EMBEDDING_MODEL.test(model);
}
