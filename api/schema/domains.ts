import { accessDomain } from '../domains/access/access-domain.ts';
import { alertsDomain } from '../domains/alerts/alerts-domain.ts';
import { auditDomain } from '../domains/audit/audit-domain.ts';
import { budgetsDomain } from '../domains/budgets/budgets-domain.ts';
import { costDomain } from '../domains/cost/cost-domain.ts';
import { latencyDomain } from '../domains/latency/latency-domain.ts';
import { parityDomain } from '../domains/parity/parity-domain.ts';
import { deploymentAuditDomain } from '../domains/deployment-audit/deployment-audit-domain.ts';
import { routingDomain } from '../domains/routing/routing-domain.ts';
import type { DomainModule } from './domain-module.ts';

/** Every domain in the API, in SDL order. Add yours here (see `domain-module.ts`). */
export const domains: readonly DomainModule[] = [
  costDomain,
  routingDomain,
  latencyDomain,
  auditDomain,
  accessDomain,
  budgetsDomain,
  alertsDomain,
  parityDomain,
  deploymentAuditDomain,
];
