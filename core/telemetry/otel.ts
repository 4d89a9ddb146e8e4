import { NodeSDK } from '@opentelemetry/sdk-node';
import { SyncContextManager } from './sync-context-manager.ts';

/** Spans per OTLP export unless OTEL_BSP_MAX_EXPORT_BATCH_SIZE says otherwise. */
export const SPAN_EXPORT_BATCH = 128;

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
  // The SDK reads its batch settings from the process's environment. An export serializes its
  // whole batch to protobuf on the event loop that serves requests: 512 spans (the SDK's default)
  // held it 3–6 ms at 1,000 req/s (bench/profiles/collector-hot-path.md), 128 about a quarter of
  // that, four times as often. OTEL_BSP_MAX_EXPORT_BATCH_SIZE still wins when set.
  process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ??= String(SPAN_EXPORT_BATCH);
  // No async-hook context propagation: it taxes every promise of the process and nothing here needs it (sync-context-manager.ts).
  const sdk = new NodeSDK({ serviceName, instrumentations: [], contextManager: new SyncContextManager() });
  sdk.start();
  return {
    shutdown: () => sdk.shutdown().catch(() => undefined),
  };
}
