import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK only when the standard OTEL_* variables ask for an exporter;
 * otherwise the API stays a no-op. Exporters are chosen by the SDK from OTEL_TRACES_EXPORTER /
 * OTEL_EXPORTER_OTLP_* themselves; an absent collector only costs failed exports, never a crash.
 */
export function startTelemetry(serviceName: string, env: Record<string, string | undefined> = process.env): Telemetry {
  const wanted =
    env.OTEL_SDK_DISABLED !== 'true' && Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (!wanted) return { shutdown: async () => {} };
  const sdk = new NodeSDK({ serviceName, instrumentations: [] });
  sdk.start();
  return {
    shutdown: () => sdk.shutdown().catch(() => undefined),
  };
}
