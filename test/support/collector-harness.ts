import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../../cli/default-routes.ts';
import type { RoutesConfig } from '../../collector/config/routes-config.ts';
import type { AfterAnswer } from '../../collector/dispatch/after-answer.ts';
import { composeDispatch } from '../../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable } from '../../collector/dispatch/route-table.ts';
import { createCollectorServer } from '../../collector/http/collector-server.ts';
import { KeyRing } from '../../collector/http/key-ring.ts';
import { RoutingWeights } from '../../collector/routing/routing-weights.ts';
import { startSimulator, type Simulator } from '../../collector/simulator/index.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import { collectingPublisher } from './collecting-publisher.ts';

export interface CollectorHarness {
  sim: Simulator;
  /** Server origin, e.g. http://127.0.0.1:PORT (append /v1 for OpenAI clients). */
  origin: string;
  /** Every attempt event the collector emitted, in order. */
  events: AttemptEvent[];
  server: Server;
  close(): Promise<void>;
}

/**
 * The collector alone over the simulated providers, recording its events instead of sending them.
 * `firstChoice` pins which deployment of route `chat` is tried first (the others get weight 0).
 */
export async function startCollectorHarness(
  options: { seed?: number; firstChoice?: string; config?: (base: RoutesConfig) => RoutesConfig; afterAnswer?: AfterAnswer } = {},
): Promise<CollectorHarness> {
  const sim = await startSimulator({ seed: options.seed ?? 1 });
  const base = simulatedRoutes((u, k) => sim.baseUrl(u, k), { base_delay_ms: 1, max_delay_ms: 5 });
  const config = options.config ? options.config(base) : base;
  const weights = new RoutingWeights();
  if (options.firstChoice) {
    const names = config.routes[0]!.deployments.map((d) => d.name);
    weights.replace(new Map([['chat', new Map(names.map((n) => [n, n === options.firstChoice ? 1 : 0]))]]), 0);
  }
  const events: AttemptEvent[] = [];
  // The collector's own composition: retry, retry budget, circuit breakers and budgets from the routes file.
  const { dispatcher, chat } = composeDispatch({
    config,
    routes: buildRouteTable(config, { [SIMULATOR_KEY_ENV]: 'k' }),
    weights,
    publisher: collectingPublisher(events),
    afterAnswer: options.afterAnswer,
  });
  const server = createCollectorServer({ chat, routeNames: () => dispatcher.routeNames(), keys: new KeyRing(config.keys) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    sim,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    server,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await sim.close();
    },
  };
}
