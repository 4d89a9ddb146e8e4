import { badInput } from '../../api-errors.ts';
import type { ApiContext, RootField } from '../../schema/domain-module.ts';
import type { Grant } from '../../auth/authorize.ts';
import { calendarBudgetSchema, calendarBudgetProblems, type CalendarBudget } from '../../../collector/budget/budget-definition.ts';
import type { LeaseReport } from '../../../collector/budget/lease-protocol.ts';
import { readBudgets, writeBudget } from '../../../policy/budgets/budget-store.ts';
import { grantorFor } from '../../../policy/budgets/grantor-registry.ts';
import { budgetViews } from './budget-views.ts';

const grantor = (ctx: ApiContext) => grantorFor(ctx.store.client, ctx.store.rows, ctx.clock);

/** A team-scoped grant sees TEAM budgets of its teams only; an all-teams grant sees everything. */
const visibleTo = (grant: Grant) => (b: CalendarBudget, subject: string) => grant.teams === 'all' || (b.scope === 'team' && grant.teams.includes(subject));

export const budgets: RootField<{ scope?: string | null }> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const all = await grantor(ctx).currentBudgets();
    const scope = args.scope?.toLowerCase();
    return budgetViews(
      grantor(ctx),
      ctx.store.rows,
      all.filter((b) => !scope || b.scope === scope),
      ctx.clock.now(),
      visibleTo(grant),
    );
  },
};

export const budgetStatus: RootField = {
  access: { roles: ['viewer', 'finance', 'operator', 'service'] },
  resolve: async (_args, ctx, grant) => {
    const me = ctx.principal.id;
    const mine = (b: CalendarBudget, subject: string) =>
      b.scope === 'org' || (b.scope === 'key' && subject === me) || (b.scope === 'team' && grant.teams !== 'all' && grant.teams.includes(subject));
    const all = await grantor(ctx).currentBudgets();
    return budgetViews(grantor(ctx), ctx.store.rows, all, ctx.clock.now(), mine);
  },
};

interface ReportArg {
  budgetId: string;
  subject: string;
  periodStartMs: bigint;
  spentNano: bigint;
  reservedNano: bigint;
  wantNano: bigint;
}

export const budgetLeases: RootField<{ collector: string; reports: ReportArg[] }> = {
  access: { roles: ['service'] },
  resolve: async (args, ctx) => {
    if (!/^[a-zA-Z0-9._:-]{1,128}$/.test(args.collector)) throw badInput('collector', 'a collector id of 1–128 letters, digits, . _ : -');
    if (args.reports.length > 10_000) throw badInput('reports', 'at most 10,000 subjects per renewal');
    const reports: LeaseReport[] = args.reports.map((r) => ({
      budgetId: r.budgetId,
      subject: r.subject,
      periodStartMs: Number(r.periodStartMs),
      spentNano: Number(r.spentNano),
      reservedNano: Number(r.reservedNano),
      wantNano: Number(r.wantNano),
    }));
    const answer = await grantor(ctx).renew(args.collector, reports);
    return { budgets: answer.budgets.map((b) => JSON.stringify(b)), leases: answer.leases };
  },
};

interface BudgetInput {
  scope: string;
  match?: string | null;
  parent?: string | null;
  period: string;
  timeZone?: string | null;
  limit: string;
  softLimit?: string | null;
  thresholds?: number[] | null;
  action?: string | null;
  maxDelayMs?: number | null;
  shadow?: boolean | null;
  failOpen?: boolean | null;
}

/** The routes-file field each BudgetInput field becomes, so a problem the schema finds names the field the caller sent. */
const INPUT_FIELD_OF: Record<string, keyof BudgetInput> = {
  scope: 'scope',
  match: 'match',
  parent: 'parent',
  period: 'period',
  time_zone: 'timeZone',
  limit_usd: 'limit',
  soft_limit_usd: 'softLimit',
  thresholds: 'thresholds',
  action: 'action',
  max_delay_ms: 'maxDelayMs',
  shadow: 'shadow',
  fail_open: 'failOpen',
};

/** GraphQL input to a validated budget; the first problem is a BAD_USER_INPUT naming its BudgetInput field (e.g. input.timeZone). */
async function validated(id: string, input: BudgetInput, ctx: ApiContext, replacing: boolean): Promise<CalendarBudget> {
  const raw = {
    id,
    scope: input.scope.toLowerCase(),
    match: input.match ?? undefined,
    parent: input.parent ?? undefined,
    period: input.period.toLowerCase(),
    time_zone: input.timeZone ?? undefined,
    limit_usd: input.limit,
    soft_limit_usd: input.softLimit ?? undefined,
    thresholds: input.thresholds ?? undefined,
    action: input.action?.toLowerCase(),
    max_delay_ms: input.maxDelayMs ?? undefined,
    shadow: input.shadow ?? undefined,
    fail_open: input.failOpen ?? undefined,
  };
  const parsed = calendarBudgetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    throw badInput(field === 'id' ? 'id' : `input.${INPUT_FIELD_OF[field] ?? field}`, issue.message);
  }
  const stored = await readBudgets(ctx.store.rows);
  const existing = stored.find((s) => s.budget.id === id);
  if (replacing && !existing) throw badInput('id', `no budget "${id}"`);
  if (!replacing && existing) throw badInput('id', `budget "${id}" exists; use updateBudget`);
  if (existing?.source === 'routes') throw badInput('id', `budget "${id}" comes from the routes file; change it there`);
  const problem = calendarBudgetProblems([...stored.map((s) => s.budget).filter((b) => b.id !== id), parsed.data])[0];
  if (problem) throw badInput(problem.field === 'id' ? 'id' : 'input.parent', problem.message);
  return parsed.data;
}

async function upsert(id: string, input: BudgetInput, ctx: ApiContext, replacing: boolean) {
  const budget = await validated(id, input, ctx, replacing);
  await writeBudget(ctx.store.client, budget, 'api', ctx.principal.id, ctx.clock.now());
  grantor(ctx).invalidate();
  const [view] = await budgetViews(grantor(ctx), ctx.store.rows, [budget], ctx.clock.now(), () => true);
  return view ?? null;
}

export const createBudget: RootField<{ id: string; input: BudgetInput }> = {
  access: { roles: ['finance'] },
  resolve: (args, ctx) => upsert(args.id, args.input, ctx, false),
};

export const updateBudget: RootField<{ id: string; input: BudgetInput }> = {
  access: { roles: ['finance'] },
  resolve: (args, ctx) => upsert(args.id, args.input, ctx, true),
};

export const deleteBudget: RootField<{ id: string; reason: string }> = {
  access: { roles: ['finance'] },
  resolve: async (args, ctx) => {
    if (args.reason.trim().length === 0 || args.reason.length > 500)
      throw badInput('reason', 'say why, in 1 to 500 characters; it is kept in the audit record');
    const existing = (await readBudgets(ctx.store.rows)).find((s) => s.budget.id === args.id);
    if (!existing) throw badInput('id', `no budget "${args.id}"`);
    if (existing.source === 'routes') throw badInput('id', `budget "${args.id}" comes from the routes file; remove it there`);
    await writeBudget(ctx.store.client, existing.budget, 'api', ctx.principal.id, ctx.clock.now(), true);
    grantor(ctx).invalidate();
    return { id: args.id, deleted: true };
  },
};
