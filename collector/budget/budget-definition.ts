import { z } from 'zod';

/** Who a budget covers. `org` is every request; the others match one attribution tag. */
export const budgetScopes = ['org', 'team', 'project', 'feature', 'user', 'key'] as const;
export type BudgetScope = (typeof budgetScopes)[number];

export const budgetPeriods = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];

/** What happens at the hard limit: 429 with Retry-After, a cheaper deployment, or a short wait. */
export const budgetActions = ['reject', 'downgrade', 'delay'] as const;
export type BudgetAction = (typeof budgetActions)[number];

const usd = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d+(\.\d{1,9})?$/, 'must be a positive decimal USD amount with at most 9 decimals'))
  .refine((v) => Number(v) > 0, 'must be a positive amount of USD');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A calendar budget: `limit_usd` per day / week (Monday first) / month in `time_zone`, for every
 * request of its scope (`match: "*"` gives each distinct team/key/… its own amount). Enforced
 * across collector replicas through leases (docs/budgets.md).
 */
export const calendarBudgetSchema = z
  .strictObject({
    id: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, dash, underscore'),
    scope: z.enum(budgetScopes),
    /** The tag value it covers, or `*` for each value separately. Ignored (always `*`) for `org`. */
    match: z.string().min(1).max(256).default('*'),
    /** Another budget's id this one sits under (display and validation only: every enclosing budget is enforced anyway). */
    parent: z.string().max(64).optional(),
    period: z.enum(budgetPeriods),
    time_zone: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    /** Hard limit, USD: requests stop here (unless shadow). */
    limit_usd: usd,
    /** What the thresholds are a share of; defaults to the hard limit. */
    soft_limit_usd: usd.optional(),
    /** Shares of the soft limit that raise a threshold event, ascending. */
    thresholds: z.array(z.number().gt(0).max(10)).min(1).max(10).default([0.7, 1, 1.2]),
    action: z.enum(budgetActions).default('reject'),
    /** delay: the longest a request waits for a lease refill, ms. */
    max_delay_ms: z.number().int().min(0).max(60_000).default(2000),
    /** Record what would have happened, never refuse. */
    shadow: z.boolean().default(false),
    /** Without the grantor, keep serving (true) or spend only the current lease (false, the default). */
    fail_open: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if ([...b.thresholds].sort((x, y) => x - y).join() !== b.thresholds.join())
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'list thresholds in ascending order' });
  });

export type CalendarBudget = z.infer<typeof calendarBudgetSchema>;

/** One budget's spend owner: the budget and the tag value it is counted for (`""` for org). */
export interface BudgetSubject {
  budgetId: string;
  subject: string;
}

export const subjectKey = (s: BudgetSubject): string => `${s.budgetId}|${s.subject}`;

/** Cross-budget problems in a list of budgets: duplicate ids, parents that are missing or loop. */
export function calendarBudgetProblems(budgets: readonly CalendarBudget[]): Array<{ index: number; field: 'id' | 'parent'; message: string }> {
  const ids = new Map(budgets.map((b) => [b.id, b]));
  const seen = new Set<string>();
  const problems: Array<{ index: number; field: 'id' | 'parent'; message: string }> = [];
  budgets.forEach((b, index) => {
    if (seen.has(b.id)) problems.push({ index, field: 'id', message: `duplicate budget id "${b.id}"` });
    seen.add(b.id);
    if (b.parent === undefined) return;
    if (!ids.has(b.parent)) problems.push({ index, field: 'parent', message: `no budget with id "${b.parent}"` });
    const chain = new Set([b.id]);
    for (let p = ids.get(b.parent); p; p = p.parent === undefined ? undefined : ids.get(p.parent)) {
      if (chain.has(p.id)) {
        problems.push({ index, field: 'parent', message: `budget "${b.id}" is its own ancestor` });
        break;
      }
      chain.add(p.id);
    }
  });
  return problems;
}

/** The same checks as zod issues under `path` (the routes file's `budgets.calendar`). */
export function checkCalendarBudgets(budgets: readonly CalendarBudget[], path: Array<string | number>, ctx: z.RefinementCtx): void {
  for (const p of calendarBudgetProblems(budgets)) ctx.addIssue({ code: 'custom', path: [...path, p.index, p.field], message: p.message });
}
