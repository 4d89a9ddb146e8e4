import type { HedgeConfig, RoutesConfig } from '../collector/config/routes-config.ts';
import type { FaultSpec } from '../collector/simulator/index.ts';
import { simulatedUpstreams } from './default-routes.ts';

/** A drill: faults on the simulated deployments of route `chat`, route tweaks, and what it promises. */
export interface Scenario {
  description: string;
  /** What the drill promises clients; the CLI exits 1 when the report says it was not met. */
  criterion: string;
  faults: Record<string, FaultSpec>;
  retry?: Partial<RoutesConfig['retry']>;
  hedge?: HedgeConfig;
  budgets?: RoutesConfig['budgets'];
  /** Failures the scenario provokes on purpose and that do not break its criterion. */
  tolerated?: (outcome: Outcome) => boolean;
}

/** What one client request saw. */
export interface Outcome {
  ok: boolean;
  status: string;
  ms: number;
  team: string;
}

const EVERY_REQUEST = 'every request succeeds (HTTP 200)';

/** Fault scenarios over the three simulated deployments of route `chat`. */
export const drillScenarios: Record<string, Scenario> = {
  healthy: { description: 'all three providers healthy', criterion: EVERY_REQUEST, faults: {} },
  outage: { description: 'the Anthropic deployment is hard down', criterion: EVERY_REQUEST, faults: { [simulatedUpstreams.anthropic]: { down: true } } },
  'rate-limit-storm': {
    description: '30% of requests to the OpenAI deployment answer 429 with Retry-After',
    criterion: EVERY_REQUEST,
    faults: { [simulatedUpstreams.openai]: { errorRates: { '429': 0.3 }, retryAfterSeconds: 1 } },
  },
  flapping: {
    description: 'the OpenAI deployment flaps: 300 ms up, 300 ms down (503)',
    criterion: EVERY_REQUEST,
    faults: { [simulatedUpstreams.openai]: { flap: { upMs: 300, downMs: 300 } } },
  },
  'all-down': {
    description: 'every provider is down: requests fail fast with 503 and circuits open',
    criterion: `${EVERY_REQUEST} (cannot hold: the drill shows how clients fail, fast and without a retry storm, and exits 1)`,
    faults: { [simulatedUpstreams.openai]: { down: true }, [simulatedUpstreams.anthropic]: { down: true }, [simulatedUpstreams.gemini]: { down: true } },
  },
  'latency-spike': {
    description: 'the OpenAI deployment answers after 10 s; the route hedges at its recent p95 and attempts time out at 2 s',
    criterion: EVERY_REQUEST,
    faults: { [simulatedUpstreams.openai]: { latencyMs: { min: 10_000, max: 10_000 } } },
    retry: { attempt_timeout_ms: 2000 },
    hedge: { percentile: 95, min_samples: 20, initial_delay_ms: 300, min_delay_ms: 20 },
  },
  'budget-exhausted': {
    description: 'team-0 has $0.0005 a day and runs out mid-run (429 + Retry-After); team-1 and team-2 are unaffected',
    criterion: 'every request of team-1 and team-2 succeeds; team-0 fails only with 429',
    tolerated: (o) => o.team === 'team-0' && o.status === '429',
    faults: {},
    budgets: { default_max_tokens: 64, limits: [{ scope: 'team', id: 'team-0', limit_usd: 0.0005, per: 'day', on_exhausted: 'reject', max_delay_ms: 0 }] },
  },
};
