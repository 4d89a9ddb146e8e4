import type { z } from 'zod';

/**
 * Whether a zod issue is a field left out of the body altogether: zod words it
 * "Invalid input: expected array, received undefined", which the faces replace with their
 * provider's wording for a missing parameter.
 */
export function isMissingField(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
}
