import type { ChatRequest } from './provider.ts';

// One request for reasoning, three provider dialects. The OpenAI face asks by effort
// (`reasoning_effort`), the Anthropic face by token budget (`thinking.budget_tokens`); each
// adapter sends what its API takes:
//
//   effort    →  thinking budget (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`)
//   minimal   →  0: no thinking (Anthropic: `thinking` omitted)
//   low       →  1,024 (Anthropic's minimum budget)
//   medium    →  8,192
//   high      →  24,576 (Gemini 2.5 Flash's maximum)
//
//   budget    →  effort (OpenAI `reasoning_effort`)
//   < 8,192   →  low
//   < 24,576  →  medium
//   ≥ 24,576  →  high
//
// The effort table is the one Google documents for its OpenAI-compatible endpoint
// (ai.google.dev/gemini-api/docs/openai#thinking); the way back takes each budget to the
// highest effort whose budget it reaches.

export type ReasoningEffort = NonNullable<ChatRequest['reasoning_effort']>;

/** Thinking budget in tokens for each effort. */
export const effortBudgets: Readonly<Record<ReasoningEffort, number>> = { minimal: 0, low: 1024, medium: 8192, high: 24576 };

/** The effort a thinking budget asks for (tokens → OpenAI `reasoning_effort`). */
export function effortForBudget(budgetTokens: number): Exclude<ReasoningEffort, 'minimal'> {
  if (budgetTokens >= effortBudgets.high) return 'high';
  return budgetTokens >= effortBudgets.medium ? 'medium' : 'low';
}

/** Whether the request asks the model to reason at all, in either dialect. */
export function asksForReasoning(request: ChatRequest): boolean {
  return request.thinking_budget !== undefined || request.reasoning_effort !== undefined;
}

/** The thinking budget in tokens (0: none asked for, or `minimal`), whichever way it was asked. */
export function thinkingBudget(request: ChatRequest): number | undefined {
  if (request.thinking_budget !== undefined) return request.thinking_budget;
  return request.reasoning_effort === undefined ? undefined : effortBudgets[request.reasoning_effort];
}

/** The effort to send an OpenAI reasoning model, whichever way it was asked. */
export function reasoningEffort(request: ChatRequest): ReasoningEffort | undefined {
  if (request.reasoning_effort !== undefined) return request.reasoning_effort;
  return request.thinking_budget === undefined ? undefined : effortForBudget(request.thinking_budget);
}
