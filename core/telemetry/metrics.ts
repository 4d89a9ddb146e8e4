import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { dropUntrustedAttributes } from './untrusted-attributes.ts';

export interface Metrics {
  meter: Meter;
  /** Serves the Prometheus text format. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** The same Prometheus text as a string (the storage process of `switchyard all` hands it to the collector's /metrics). */
  text(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * One meter provider per process, read by Prometheus through the ops server's /metrics. No label
 * ever carries a value taken from a request header (`untrusted-attributes.ts`).
 */
export function createMetrics(): Metrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter], views: [dropUntrustedAttributes] });
  return {
    meter: provider.getMeter('switchyard'),
    handle: (request, response) => exporter.getMetricsRequestHandler(request, response),
    text: async () => new PrometheusSerializer().serialize((await exporter.collect()).resourceMetrics),
    shutdown: () => provider.shutdown(),
  };
}
