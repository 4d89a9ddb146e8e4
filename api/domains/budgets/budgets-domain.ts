import type { DomainModule } from '../../schema/domain-module.ts';
import { budgetLeases, budgetStatus, budgets, createBudget, deleteBudget, updateBudget } from './budget-fields.ts';
import { budgetTypeDefs } from './budget-type-defs.ts';

/** Calendar budgets: status per subject, changes (finance, audited) and the collectors' lease renewal. */
export const budgetsDomain: DomainModule = {
  name: 'budgets',
  typeDefs: budgetTypeDefs,
  query: { budgets, budgetStatus, budgetLeases },
  mutation: { createBudget, updateBudget, deleteBudget },
};
