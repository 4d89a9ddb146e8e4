import type { SwitchyardEnv } from '../core/config/env.ts';
import type { PipelineOptions } from './pipeline.ts';

/** The pipeline settings read from the environment alone, shared by `switchyard <services>` and the storage process of `switchyard all`. */
export function pipelineSettingsFromEnv(
  env: SwitchyardEnv,
): Pick<
  PipelineOptions,
  | 'host'
  | 'collectorPort'
  | 'apiPort'
  | 'apiTokensFile'
  | 'weightsPollMs'
  | 'ingestMaxRows'
  | 'ingestStallMs'
  | 'rawTtlDays'
  | 'cluster'
  | 'policyIntervalMs'
  | 'policyWindowMs'
> {
  return {
    host: env.SWITCHYARD_HOST,
    collectorPort: env.SWITCHYARD_PORT,
    apiPort: env.SWITCHYARD_API_PORT,
    apiTokensFile: env.SWITCHYARD_API_TOKENS || undefined,
    weightsPollMs: env.SWITCHYARD_WEIGHTS_POLL_MS,
    ingestMaxRows: env.SWITCHYARD_INGEST_MAX_ROWS,
    ingestStallMs: env.SWITCHYARD_INGEST_STALL_MS,
    rawTtlDays: env.SWITCHYARD_RAW_TTL_DAYS,
    cluster: env.CLICKHOUSE_CLUSTER,
    policyIntervalMs: env.SWITCHYARD_POLICY_INTERVAL_MS,
    policyWindowMs: env.SWITCHYARD_POLICY_WINDOW_MS,
  };
}
