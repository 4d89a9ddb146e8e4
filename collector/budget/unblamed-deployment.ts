/** The deployment name a budget refusal is recorded under: no deployment was chosen or called. */
export const NO_DEPLOYMENT = '-';

/**
 * A copy of a route candidate that names no deployment, for the event of a request a budget
 * refused: the refusal belongs to the budget (`budget.limited_by`), not to a deployment's record.
 */
export function unblamed<D extends { config: { name: string; region: string } }>(candidate: D): D {
  return { ...candidate, config: { ...candidate.config, name: NO_DEPLOYMENT, region: '' } };
}
