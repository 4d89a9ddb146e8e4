import { z } from 'zod';
import { calendarBudgetSchema } from './budget-definition.ts';

/** One subject's state a collector reports when it renews (amounts in integer nanodollars). */
export interface LeaseReport {
  budgetId: string;
  subject: string;
  periodStartMs: number;
  spentNano: number;
  reservedNano: number;
  wantNano: number;
}

const nano = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((v) => Number(v));

/** The grantor's answer per subject: the new cumulative allowance and the spend it remembers. */
export const leaseGrantSchema = z.object({
  budgetId: z.string(),
  subject: z.string(),
  periodStartMs: nano,
  allowanceNano: nano,
  spentNano: nano,
  /** Left in the budget beyond every lease. */
  unleasedNano: nano,
});
export type LeaseGrant = z.infer<typeof leaseGrantSchema>;

/** The whole answer: every budget in force (so collectors need no other source) and this collector's leases. */
export const leaseAnswerSchema = z.object({
  budgets: z.array(
    z.string().transform((json, ctx) => {
      const parsed = calendarBudgetSchema.safeParse(JSON.parse(json));
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: parsed.error.message });
        return z.NEVER;
      }
      return parsed.data;
    }),
  ),
  leases: z.array(leaseGrantSchema),
});
export type LeaseAnswer = z.infer<typeof leaseAnswerSchema>;

/** Where leases come from: the grantor over the API, or in the same process. */
export interface LeaseSource {
  renew(collector: string, reports: LeaseReport[], signal: AbortSignal): Promise<LeaseAnswer>;
}

/** The renewal provably never reached the grantor (nothing listened), so it changed nothing there. */
export class LeaseRenewalUndelivered extends Error {
  override readonly name = 'LeaseRenewalUndelivered';
}
