import { forbidden } from '../api-errors.ts';
import type { Principal, Role } from './roles.ts';

/** Who may call a root field. admin may call every field; no other role is implied. */
export interface Access {
  roles: readonly Role[];
}

/**
 * What an authorized call may see: the teams whose rows it may read. Resolvers receive it from
 * the authorization layer and hand it to every query they run, so no query can be written
 * without a team scope.
 */
export interface Grant {
  principal: Principal;
  teams: 'all' | readonly string[];
}

/**
 * The one authorization check; every Query and Mutation field goes through it (see
 * `build-schema.ts`), as does the HTTP export download.
 * @throws ApiError FORBIDDEN when the principal's role is not allowed
 */
export function authorize(principal: Principal, access: Access, operation: string): Grant {
  if (principal.role !== 'admin' && !access.roles.includes(principal.role)) {
    throw forbidden(`${operation} needs one of the roles ${[...access.roles, 'admin'].join(', ')}; this token is ${principal.role}`);
  }
  return { principal, teams: principal.teams === 'all' ? 'all' : [...principal.teams].sort() };
}

/**
 * Narrows a grant to the teams a caller asked for (a filter argument). Asking for a team outside
 * the grant is refused rather than silently emptied, so a viewer learns it has no access.
 * @throws ApiError FORBIDDEN naming the team and the argument
 */
export function narrowTeams(grant: Grant, requested: readonly string[] | undefined, argument: string): 'all' | readonly string[] {
  if (!requested || requested.length === 0) return grant.teams;
  if (grant.teams !== 'all') {
    const outside = requested.filter((t) => !grant.teams.includes(t));
    if (outside.length) throw forbidden(`${argument}: this token may not read team ${outside.map((t) => JSON.stringify(t)).join(', ')}`);
  }
  return [...new Set(requested)].sort();
}
