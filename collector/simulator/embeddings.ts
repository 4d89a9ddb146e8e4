import { createHash } from 'node:crypto';

/** Vector length the simulator answers with: small, since only shape and determinism matter. */
const DIMENSIONS = 8;

/** A deterministic unit-ish vector per text (same text, same vector), from its SHA-256. */
function vectorOf(text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: dimensions }, (_, i) => Math.round(((digest[i % digest.length]! / 255) * 2 - 1) * 1e6) / 1e6);
}

/**
 * The simulator's embeddings, in OpenAI's (`POST /v1/embeddings`) or Gemini's
 * (`:batchEmbedContents`) format; null for any other path. Token counts: ~4 characters a token.
 */
export function simulatedEmbeddings(path: string, body: unknown): { status: number; body: unknown } | null {
  if (path === '/v1/embeddings') {
    const b = body as { input?: unknown; model?: unknown; dimensions?: unknown };
    const input = typeof b?.input === 'string' ? [b.input] : Array.isArray(b?.input) ? b.input.map(String) : null;
    if (!input || input.length === 0)
      return { status: 400, body: { error: { message: "'input' must be a string or an array of strings", type: 'invalid_request_error' } } };
    const dimensions = typeof b.dimensions === 'number' ? b.dimensions : DIMENSIONS;
    const tokens = input.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    return {
      status: 200,
      body: {
        object: 'list',
        data: input.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t, dimensions) })),
        model: String(b.model ?? ''),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  }
  if (/^\/v1beta\/models\/[^/]+:batchEmbedContents$/.test(path)) {
    const requests = (body as { requests?: Array<{ content?: { parts?: Array<{ text?: string }> }; outputDimensionality?: number }> })?.requests ?? [];
    return {
      status: 200,
      body: {
        embeddings: requests.map((r) => ({
          values: vectorOf((r.content?.parts ?? []).map((p) => p.text ?? '').join(''), r.outputDimensionality ?? DIMENSIONS),
        })),
      },
    };
  }
  return null;
}
