import { accessDomain } from '../domains/access/access-domain.ts';
import { auditDomain } from '../domains/audit/audit-domain.ts';
import { costDomain } from '../domains/cost/cost-domain.ts';
import { weightsDomain } from '../domains/weights/weights-domain.ts';
import type { DomainModule } from './domain-module.ts';

/** Every domain in the API, in SDL order. Add yours here (see `domain-module.ts`). */
export const domains: readonly DomainModule[] = [costDomain, weightsDomain, auditDomain, accessDomain];
