import { badInput, type ApiError } from '../../api-errors.ts';
import { latestDecisions } from '../../../policy/decision-store.ts';
import type { RowReader } from '../../../policy/row-reader.ts';

/**
 * The error for a `route` argument that names no route the policy engine decided on within
 * `lookbackMs` while it did decide others (a typo, or a route removed from the routes file):
 * BAD_USER_INPUT naming the argument and listing the routes that have decisions, instead of an
 * empty answer that reads as "no deployments". Null while the engine has decided no route at all
 * (it evaluates every configured route at once, so then an empty answer means "not yet").
 */
export async function unknownRouteError(rows: RowReader, nowMs: number, lookbackMs: number, route: string): Promise<ApiError | null> {
  const routes = [...new Set((await latestDecisions(rows, nowMs, lookbackMs)).map((d) => d.decision.route))];
  if (routes.length === 0) return null;
  return badInput(
    'route',
    `no route "${route}" has routing decisions from the last ${Math.round(lookbackMs / 3_600_000)} h (routes with decisions: ${routes.join(', ')})`,
  );
}
