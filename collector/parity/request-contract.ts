import type { ChatRequest } from '../providers/provider.ts';

/**
 * The answer contract a request states: JSON mode (any JSON), a JSON schema for the content,
 * and the tools the model may call with their parameter schemas. Tools without a parameter
 * schema still contribute their name (an unknown name breaks the contract).
 */
export interface AnswerContract {
  /** 'json': the content must parse as JSON; 'schema': and validate against `schema`. */
  content: { kind: 'json' } | { kind: 'schema'; schema: Record<string, unknown> } | null;
  /** Tool name → parameter schema (null: any JSON object). Empty when the request has no tools. */
  tools: Map<string, Record<string, unknown> | null>;
}

/** The request's contract, or null when it has none worth checking. */
export function contractOf(request: ChatRequest): AnswerContract | null {
  const format = request.response_format;
  const content: AnswerContract['content'] =
    format?.type === 'json_schema' && format.json_schema.schema
      ? { kind: 'schema', schema: format.json_schema.schema }
      : format?.type === 'json_schema' || format?.type === 'json_object'
        ? { kind: 'json' }
        : null;
  // tool_choice "none" forbids calls: any call is then to a tool the model may not use.
  const offered = request.tool_choice === 'none' ? [] : (request.tools ?? []);
  const tools = new Map(offered.map((t) => [t.function.name, t.function.parameters ?? null] as const));
  if (!content && tools.size === 0 && !(request.tool_choice === 'none' && request.tools?.length)) return null;
  return { content, tools };
}
