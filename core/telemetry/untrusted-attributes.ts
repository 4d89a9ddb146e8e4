import { createDenyListAttributesProcessor, type ViewOptions } from '@opentelemetry/sdk-metrics';

/**
 * Metric attributes whose values a caller can choose: without configured client keys, team,
 * project, feature, user and environment come straight from `x-switchyard-*` request headers.
 * As Prometheus labels they would let any caller create unbounded series (memory of every
 * process that scrapes them) and write arbitrary text into /metrics. Per-team numbers live in
 * ClickHouse (exact, and behind the API's authorization), so they are dropped from every
 * instrument here, whoever records them.
 */
export const untrustedMetricAttributes = [
  'switchyard.team',
  'switchyard.project',
  'switchyard.feature',
  'switchyard.user',
  'switchyard.environment',
  'switchyard.tags',
] as const;

/** A view on every instrument that removes the untrusted attributes before aggregation. */
export const dropUntrustedAttributes: ViewOptions = {
  instrumentName: '*',
  attributesProcessors: [createDenyListAttributesProcessor([...untrustedMetricAttributes])],
};
