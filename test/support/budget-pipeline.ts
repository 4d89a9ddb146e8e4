import { join } from 'node:path';
import { startPipeline } from '../../cli/pipeline.ts';
import type { RoutesConfig } from '../../collector/config/routes-config.ts';

/** `switchyard all` in this process over the simulator, storing in `data`: the budget tests' one-process deployment. */
export const startBudgetPipeline = (routes: RoutesConfig, data: string) =>
  startPipeline({
    services: new Set(['collector', 'ingest', 'policy', 'api']),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    routes,
    providerEnv: { SWITCHYARD_SIMULATOR_KEY: 'k' },
    clickhouse: { kind: 'embedded', path: join(data, 'store') },
    // Slow pollers: these tests look at budgets, not at routing weights.
    weightsPollMs: 60_000,
    policyIntervalMs: 60_000,
    policyWindowMs: 300_000,
    log: () => {},
  });
