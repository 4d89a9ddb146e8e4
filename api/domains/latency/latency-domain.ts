import type { DomainModule } from '../../schema/domain-module.ts';
import { goodputReport, goodputReportTypeDefs } from './goodput-report-field.ts';
import { latencyReport, latencyReportTypeDefs } from './latency-report-field.ts';

/** Latency percentiles and goodput from the per-minute operations rollup. */
export const latencyDomain: DomainModule = {
  name: 'latency',
  typeDefs: [latencyReportTypeDefs, goodputReportTypeDefs].join('\n'),
  query: { latencyReport, goodputReport },
};
