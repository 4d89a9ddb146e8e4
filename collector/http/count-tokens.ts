import { countPromptTokens } from '../budget/prompt-tokens.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import { canonicalPrompt, countTokensSchema, firstIssue } from './anthropic-messages.ts';

/**
 * Anthropic's `POST /v1/messages/count_tokens`: the prompt's size for a route, counted the way
 * budgets count it (a BPE tokenizer; other providers' own tokenizers differ by a few percent).
 * Answers `{ input_tokens }` like Anthropic's endpoint; an unknown route is a 404.
 */
export function countTokens(body: unknown, routeNames: () => string[]): { input_tokens: number } | DispatchError {
  const parsed = countTokensSchema.safeParse(body);
  if (!parsed.success) return new DispatchError(400, 'invalid_request_error', firstIssue(parsed.error));
  if (!routeNames().includes(parsed.data.model)) return DispatchError.unknownModel(parsed.data.model, routeNames());
  return { input_tokens: countPromptTokens({ model: parsed.data.model, stream: false, ...canonicalPrompt(parsed.data) }) };
}
