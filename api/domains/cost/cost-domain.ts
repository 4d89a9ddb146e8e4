import type { DomainModule } from '../../schema/domain-module.ts';
import { attempts, attemptsTypeDefs } from './attempts-field.ts';
import { costFilterTypeDefs } from './cost-filter.ts';
import { costMeasuresTypeDefs } from './cost-measures.ts';
import { costs, costsTypeDefs } from './costs-field.ts';
import { costReport, legacyCostReportTypeDefs } from './legacy-cost-report.ts';
import { showback, showbackTypeDefs } from './showback-field.ts';

/** Cost reports for teams and finance, on the chargeback rollups. */
export const costDomain: DomainModule = {
  name: 'cost',
  typeDefs: [costMeasuresTypeDefs, costFilterTypeDefs, costsTypeDefs, attemptsTypeDefs, showbackTypeDefs, legacyCostReportTypeDefs].join('\n'),
  query: { costs, attempts, showback, costReport },
};
