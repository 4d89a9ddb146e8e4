import type { AnswerContract } from './request-contract.ts';
import { NO_CONTRACT, PARITY_OK, type ParityVerdict } from './parity-outcome.ts';
import type { SchemaValidators } from './schema-validators.ts';

/** An answer reduced to what a contract speaks about: the text and the tool calls (arguments as the model wrote them). */
export interface AnswerShape {
  content: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  finishReason: string | null;
}

/**
 * Checks an answer against its request's contract. Tool calls are checked first (an answer
 * that calls tools is judged by them); otherwise JSON mode and the JSON schema apply to the
 * content. An answer with neither content nor calls under JSON mode is `invalid_json`.
 */
export function checkAnswer(contract: AnswerContract | null, answer: AnswerShape, validators: SchemaValidators): ParityVerdict {
  if (!contract) return NO_CONTRACT;
  if (answer.toolCalls.length > 0) return checkToolCalls(contract, answer.toolCalls, validators);
  if (!contract.content) return PARITY_OK;
  const parsed = parseJson(answer.content);
  if (!parsed.ok) return { outcome: 'invalid_json', detail: parsed.error };
  if (contract.content.kind === 'json') return PARITY_OK;
  const problem = validators.check(contract.content.schema, parsed.value);
  return problem ? { outcome: 'schema_violation', detail: problem } : PARITY_OK;
}

function checkToolCalls(contract: AnswerContract, calls: AnswerShape['toolCalls'], validators: SchemaValidators): ParityVerdict {
  for (const call of calls) {
    if (!contract.tools.has(call.name)) return { outcome: 'unknown_tool', detail: `tool "${call.name.slice(0, 64)}" was not offered` };
  }
  for (const call of calls) {
    const args = parseJson(call.arguments === '' ? '{}' : call.arguments);
    if (!args.ok) return { outcome: 'invalid_tool_args', detail: `${call.name}: ${args.error}` };
    const schema = contract.tools.get(call.name) ?? null;
    const problem = schema
      ? validators.check(schema, args.value)
      : typeof args.value === 'object' && args.value !== null && !Array.isArray(args.value)
        ? ''
        : '(root) must be object';
    if (problem) return { outcome: 'invalid_tool_args', detail: `${call.name}: ${problem}` };
  }
  return PARITY_OK;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'empty answer' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Never the parser's message: it quotes the answer, and details reach logs and client errors.
    return { ok: false, error: 'not JSON' };
  }
}
