import type { Attributes } from '@opentelemetry/api';
import type { IAttributesProcessor, ViewOptions } from '@opentelemetry/sdk-metrics';

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

/**
 * Removes the untrusted attributes. Unlike the SDK's deny-list processor, which copies every
 * attribute set on every record, a set without any of them is passed on as it is: the collector
 * records ~5 metrics per attempt from attribute sets it builds once (bench/profiles/collector-hot-path.md).
 */
const dropUntrusted: IAttributesProcessor = {
  process(incoming: Attributes): Attributes {
    for (const name of untrustedMetricAttributes) {
      if (Object.prototype.hasOwnProperty.call(incoming, name)) {
        const kept: Attributes = {};
        for (const key of Object.keys(incoming)) if (!(untrustedMetricAttributes as readonly string[]).includes(key)) kept[key] = incoming[key];
        return kept;
      }
    }
    return incoming;
  },
};

/** A view on every instrument that removes the untrusted attributes before aggregation. */
export const dropUntrustedAttributes: ViewOptions = {
  instrumentName: '*',
  attributesProcessors: [dropUntrusted],
};
