import { z } from 'zod';

// OpenAI Chat Completions answers as the API reference documents them
// (platform.openai.com/docs/api-reference/chat/object and …/chat/streaming). Loose objects:
// new fields pass; a missing field the shim relies on fails as `invalid_response`.
// OpenAI-compatible hosts often leave out `id`, `created` or `index`, hence the defaults.

export const openaiUsageSchema = z.looseObject({
  prompt_tokens: z.number().nonnegative().nullish(),
  completion_tokens: z.number().nonnegative().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nonnegative().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nonnegative().nullish() }).nullish(),
});
export type OpenAIUsage = z.infer<typeof openaiUsageSchema>;

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
});

/** What an answer and each stream frame both carry. */
const envelope = {
  id: z.string().default(''),
  created: z.number().default(0),
  model: z.string().default(''),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
  usage: openaiUsageSchema.nullish(),
};

export const openaiResponseSchema = z.looseObject({
  ...envelope,
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().nonnegative().default(0),
        message: z.looseObject({ content: z.string().nullish(), tool_calls: z.array(toolCallSchema).nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
        logprobs: z.unknown().optional(),
      }),
    )
    .min(1, 'an answer needs at least one choice'),
});
export type OpenAIResponse = z.infer<typeof openaiResponseSchema>;

const toolCallDeltaSchema = z.looseObject({
  index: z.number().int().nonnegative().default(0),
  id: z.string().nullish(),
  type: z.literal('function').nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const openaiFrameSchema = z.looseObject({
  ...envelope,
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().nonnegative().default(0),
        delta: z
          .looseObject({
            role: z.string().nullish(),
            content: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
            refusal: z.string().nullish(),
          })
          .default({}),
        finish_reason: z.string().nullish(),
        logprobs: z.unknown().optional(),
      }),
    )
    .nullish(),
  error: z.looseObject({ message: z.string().nullish(), type: z.string().nullish(), code: z.unknown() }).nullish(),
  /** Groq reports a stream's usage here, on its last frame (console.groq.com/docs/api-reference). */
  x_groq: z.looseObject({ usage: openaiUsageSchema.nullish() }).nullish(),
});
export type OpenAIFrame = z.infer<typeof openaiFrameSchema>;
