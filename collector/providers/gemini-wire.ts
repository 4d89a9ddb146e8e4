import { z } from 'zod';

// Gemini generateContent answers as the API reference documents them
// (ai.google.dev/api/generate-content#generatecontentresponse). A response may have no
// candidates at all when the prompt was blocked (`promptFeedback.blockReason`).

export const geminiUsageSchema = z.looseObject({
  promptTokenCount: z.number().nonnegative().nullish(),
  cachedContentTokenCount: z.number().nonnegative().nullish(),
  candidatesTokenCount: z.number().nonnegative().nullish(),
  thoughtsTokenCount: z.number().nonnegative().nullish(),
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

const partSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  functionCall: z.looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});
export type GeminiPart = z.infer<typeof partSchema>;

export const geminiResponseSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z.looseObject({ parts: z.array(partSchema).nullish() }).nullish(),
        finishReason: z.string().nullish(),
        safetyRatings: z.array(z.unknown()).nullish(),
      }),
    )
    .nullish(),
  promptFeedback: z.looseObject({ blockReason: z.string().nullish(), safetyRatings: z.array(z.unknown()).nullish() }).nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
  /** A stream can end in an error object instead of a response (google.rpc.Status: HTTP code, message, status). */
  error: z.looseObject({ code: z.number().nullish(), message: z.string().nullish(), status: z.string().nullish() }).nullish(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;
