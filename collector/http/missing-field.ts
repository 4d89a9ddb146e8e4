import type { z } from 'zod';

/**
 * Whether a zod issue is a field left out of the body altogether: zod words it
 * "Invalid input: expected array, received undefined", or, for a field that is a union, only
 * "Invalid input" with every branch refusing undefined. The faces replace it with their
 * provider's wording for a missing parameter.
 */
export function isMissingField(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'invalid_union') {
    return issue.errors.length > 0 && issue.errors.every((branch) => branch.some((i) => i.path.length === 0 && isMissingField(i)));
  }
  return issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
}

/**
 * The first problem with a body of an OpenAI face (chat completions, embeddings) as one message
 * naming the field: `Invalid request: <param>: <problem>`; `param` is null for the body itself.
 */
export function openaiInvalidRequest(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  return { message: `Invalid request: ${param ?? 'body'}: ${isMissingField(issue) ? 'required, but missing from the body' : issue.message}`, param };
}
