import { z } from 'zod';

/**
 * A route's `parity:` section. Checking is always on for requests with a contract; this section
 * adds failover on a broken contract and shadow traffic to an alternate deployment.
 */
export const parityRouteSchema = z.strictObject({
  /**
   * Treat a broken contract as a failed attempt and fail over before anything reaches the client.
   * Streams of requests with a contract are then held until they end (no token reaches the client
   * before the whole answer is checked), which costs their time to first token.
   */
  failover: z.boolean().default(false),
  shadow: z
    .strictObject({
      /** A deployment of this route that gets a copy of sampled requests; its answers never reach a client. */
      alternate: z.string().min(1),
      /** Share of served requests with a contract that are mirrored, 0..1. */
      sample: z.number().min(0).max(1),
      /** Spend on shadow traffic per UTC day and route, USD; mirroring stops for the day once spent. */
      budget_usd_per_day: z.number().positive('must be a positive amount of USD'),
      /** Shadow calls running at once per route; the budget can be overshot by at most these. */
      max_in_flight: z.number().int().min(1).max(64).default(4),
      /** Mirror requests without a contract too (compared on finish reason and length only). */
      include_uncontracted: z.boolean().default(false),
    })
    .optional(),
});
export type ParityRouteConfig = z.infer<typeof parityRouteSchema>;

/** Cross-field rule for the routes file: the alternate must be one of the route's deployments. */
export function checkParityConfig(
  route: { parity?: ParityRouteConfig; deployments: Array<{ name: string }> },
  path: Array<string | number>,
  ctx: z.RefinementCtx,
): void {
  const alternate = route.parity?.shadow?.alternate;
  if (alternate !== undefined && !route.deployments.some((d) => d.name === alternate)) {
    ctx.addIssue({ code: 'custom', path: [...path, 'parity', 'shadow', 'alternate'], message: `no deployment named "${alternate}" in this route` });
  }
}
