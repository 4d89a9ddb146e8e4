import type { DomainModule } from '../../schema/domain-module.ts';
import { costReport, legacyCostReportTypeDefs } from './legacy-cost-report.ts';

/** Cost reports for teams and finance. */
export const costDomain: DomainModule = {
  name: 'cost',
  typeDefs: legacyCostReportTypeDefs,
  query: { costReport },
};
