/**
 * API roles. viewer: reads the cost and operations data of its teams. finance: viewer plus
 * exports and chargeback across its teams. operator: reads everything operational and runs the
 * operational mutations. admin: everything, including tokens and the audit log. service: machine
 * clients (collectors) reading routing weights and, later, budget leases — nothing else.
 */
export const roles = ['viewer', 'finance', 'operator', 'admin', 'service'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, resolved from the bearer token before any resolver runs. */
export interface Principal {
  /** Token id from the tokens file, or `anonymous` on the loopback default. */
  id: string;
  role: Role;
  /** Teams whose data it may read: `all`, or the listed teams only. */
  teams: 'all' | ReadonlySet<string>;
}
