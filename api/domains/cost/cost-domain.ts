import type { DomainModule } from '../../schema/domain-module.ts';
import { attempts, attemptsTypeDefs } from './attempts-field.ts';
import { costFilterTypeDefs } from './cost-filter.ts';
import { costMeasuresTypeDefs } from './cost-measures.ts';
import { costs, costsTypeDefs } from './costs-field.ts';
import { costReport, legacyCostReportTypeDefs } from './legacy-cost-report.ts';

/** Cost reports for teams and finance, on the chargeback rollups. */
export const costDomain: DomainModule = {
  name: 'cost',
  typeDefs: [costMeasuresTypeDefs, costFilterTypeDefs, costsTypeDefs, attemptsTypeDefs, legacyCostReportTypeDefs].join('\n'),
  query: { costs, attempts, costReport },
};
