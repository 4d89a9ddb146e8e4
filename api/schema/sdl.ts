import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './build-schema.ts';
import { domains } from './domains.ts';

/** The committed SDL: reviewed like code, so a breaking change shows in the diff. */
export const SDL_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

/** The schema as SDL, sorted so that moving code between files changes nothing. */
export function currentSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildApiSchema(domains)))}\n`;
}
