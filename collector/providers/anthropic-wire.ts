import { z } from 'zod';

// Anthropic Messages answers as the API reference documents them
// (docs.anthropic.com/en/api/messages and …/messages-streaming). Loose objects: new fields and
// new block types pass; a missing field the shim relies on fails as `invalid_response`.

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nonnegative().nullish(),
  output_tokens: z.number().nonnegative().nullish(),
  cache_read_input_tokens: z.number().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().nonnegative().nullish(),
  /** The cache writes split by TTL (writes for 1 h are billed higher than for 5 min). */
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: z.number().nonnegative().nullish(), ephemeral_1h_input_tokens: z.number().nonnegative().nullish() })
    .nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const contentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  /** `thinking` blocks: the reasoning text and the signature that lets it be sent back. */
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  /** `redacted_thinking` blocks: the encrypted reasoning. */
  data: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
});

export const anthropicResponseSchema = z.looseObject({
  id: z.string(),
  model: z.string().default(''),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});
export type AnthropicResponse = z.infer<typeof anthropicResponseSchema>;

export const anthropicFrameSchema = z.looseObject({
  type: z.string(),
  index: z.number().int().nonnegative().nullish(),
  message: z.looseObject({ id: z.string().default(''), model: z.string().nullish(), usage: anthropicUsageSchema.nullish() }).nullish(),
  content_block: contentBlockSchema.nullish(),
  delta: z
    .looseObject({
      type: z.string().nullish(),
      text: z.string().nullish(),
      partial_json: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
      stop_reason: z.string().nullish(),
      stop_sequence: z.string().nullish(),
    })
    .nullish(),
  usage: anthropicUsageSchema.nullish(),
  error: z.looseObject({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
export type AnthropicFrame = z.infer<typeof anthropicFrameSchema>;
