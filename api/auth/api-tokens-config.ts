import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../core/errors.ts';
import { roles } from './roles.ts';

const tokenSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, dot, dash, underscore (≤ 64)'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the sha256 of the token in hex: printf %s "$TOKEN" | switchyard hash-key'),
    role: z.enum(roles),
    /** Teams it may read; ["*"] for all. Required for viewer, finance and operator. */
    teams: z.array(z.string().min(1).max(128)).default([]),
  })
  .strict()
  .refine((t) => !['viewer', 'finance', 'operator'].includes(t.role) || t.teams.length > 0, {
    message: 'viewer, finance and operator tokens need teams: a list of team names, or ["*"] for all',
    path: ['teams'],
  });

/** The API tokens file: every token hashed, never in clear. */
export const apiTokensFileSchema = z
  .object({ tokens: z.array(tokenSchema) })
  .strict()
  .refine((f) => new Set(f.tokens.map((t) => t.id)).size === f.tokens.length, { message: 'token ids must be unique', path: ['tokens'] })
  .refine((f) => new Set(f.tokens.map((t) => t.sha256)).size === f.tokens.length, { message: 'two tokens have the same sha256', path: ['tokens'] });

export type ApiTokenConfig = z.infer<typeof tokenSchema>;

/** Reads and validates the tokens file (YAML or JSON). @throws ConfigError naming the key */
export function loadApiTokens(path: string): ApiTokenConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`SWITCHYARD_API_TOKENS: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const result = apiTokensFileSchema.safeParse(parseYaml(text));
  if (!result.success) throw new ConfigError(`API tokens file ${path} is invalid:\n${describeIssues(result.error.issues)}`);
  return result.data.tokens;
}
