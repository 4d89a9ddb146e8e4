import { seeded, type Outcome, type SimRoute } from './policy-bench-traffic.ts';

export const MIN = 60_000;
export const T0 = Date.parse('2026-11-30T00:00:00.000Z');

/** Ground truth of the named scenarios, in simulated time. */
export const storm = { route: 'rl-storm', victim: 'cheap', other: 'dear', onsetMs: T0 + 10 * MIN, endMs: T0 + 20 * MIN, share429: 0.3 };
export const flap = { route: 'flap', flapper: 'flapper', startMs: T0 + 10 * MIN, endMs: T0 + 30 * MIN, periodMs: 60_000 };
export const lowTraffic = { route: 'low', deployments: ['a', 'b'], rate: 10 / 30 };

/** A route config entry as the routes file would have it, plus the deployment the truth says is better (CRAFT scenarios). */
export interface BenchRoute {
  sim: SimRoute;
  config: Record<string, unknown>;
  truthBetter: string | null;
}

const latency = (median: number, random: () => number) => median * Math.exp((random() - 0.5) * 0.6);
const ok =
  (median: number) =>
  (_t: number, r: () => number): Outcome => ({ status: 'ok', latencyMs: latency(median, r) });
const flaky =
  (success: number, median: number) =>
  (_t: number, r: () => number): Outcome => ({ status: r() < success ? 'ok' : 'error', latencyMs: latency(median, r) });

function deploymentConfig(name: string, price: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const p = price.toFixed(6);
  return {
    name,
    provider: 'openai-compatible',
    base_url: 'http://127.0.0.1:9/v1',
    api_key_env: 'SIM_KEY',
    model: 'sim',
    price: { input_per_mtok: p, output_per_mtok: p },
    ...over,
  };
}

function named(): BenchRoute[] {
  const stormy = (t: number, r: () => number): Outcome =>
    t >= storm.onsetMs && t < storm.endMs && r() < storm.share429 ? { status: 'rate_limited', latencyMs: 50 } : { status: 'ok', latencyMs: latency(400, r) };
  const flapping = (t: number, r: () => number): Outcome => {
    const down = t >= flap.startMs && t < flap.endMs && Math.floor((t - flap.startMs) / flap.periodMs) % 2 === 0;
    return { status: down ? 'error' : 'ok', latencyMs: latency(400, r) };
  };
  return [
    {
      sim: {
        name: storm.route,
        rate: 2,
        deployments: [
          { name: 'cheap', weight: 1, priceUsdPerMtok: 0.5, outcome: stormy },
          { name: 'dear', weight: 1, priceUsdPerMtok: 5, outcome: ok(600) },
        ],
      },
      config: { name: storm.route, deployments: [deploymentConfig('cheap', 0.5), deploymentConfig('dear', 5)] },
      truthBetter: null,
    },
    {
      sim: {
        name: flap.route,
        rate: 2,
        deployments: [
          { name: 'flapper', weight: 1, priceUsdPerMtok: 1, outcome: flapping },
          { name: 'steady', weight: 1, priceUsdPerMtok: 1, outcome: ok(400) },
        ],
      },
      config: { name: flap.route, deployments: [deploymentConfig('flapper', 1), deploymentConfig('steady', 1)] },
      truthBetter: null,
    },
    {
      // Slower but reliable against fast but failing 15 %: reliability is what CRAFT must see.
      sim: {
        name: 'slow',
        rate: 1,
        deployments: [
          { name: 'fast-flaky', weight: 1, priceUsdPerMtok: 1, outcome: flaky(0.85, 300) },
          { name: 'slow-reliable', weight: 1, priceUsdPerMtok: 1, outcome: ok(3000) },
        ],
      },
      config: { name: 'slow', craft: { kind: 'interactive' }, deployments: [deploymentConfig('fast-flaky', 1), deploymentConfig('slow-reliable', 1)] },
      truthBetter: 'slow-reliable',
    },
    {
      // Equal and healthy, with the odd failure (1 %) a real provider has: noise the prior must absorb.
      sim: {
        name: lowTraffic.route,
        rate: lowTraffic.rate,
        deployments: lowTraffic.deployments.map((name) => ({ name, weight: 1, priceUsdPerMtok: 1, outcome: flaky(0.99, 400) })),
      },
      config: { name: lowTraffic.route, deployments: lowTraffic.deployments.map((d) => deploymentConfig(d, 1)) },
      truthBetter: null,
    },
  ];
}

/**
 * Seeded CRAFT scenarios with known ground truth: two deployments where one dominates — at least
 * as good in every factor and clearly better in one to four of reliability (+5…10 points of
 * success below the 95 % ceiling), cost (30–60 % of the price), flexibility (vision) and trust
 * (no-training terms against unknown). Which of the two is configured first is random.
 */
function seededCraft(count: number, seed: number): BenchRoute[] {
  const r = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = `craft-${String(i).padStart(2, '0')}`;
    const base = { success: 0.6 + r() * 0.25, price: 0.5 + r() * 4.5, vision: false, dataUsage: 'unknown' };
    const better = { ...base };
    const improve = ['reliability', 'cost', 'flexibility', 'trust'].filter(() => r() < 0.5);
    if (improve.length === 0) improve.push(['reliability', 'cost', 'flexibility', 'trust'][Math.floor(r() * 4)]!);
    if (improve.includes('reliability')) better.success = Math.min(0.93, base.success + 0.05 + r() * 0.05);
    if (improve.includes('cost')) better.price = base.price * (0.3 + r() * 0.3);
    if (improve.includes('flexibility')) better.vision = true;
    if (improve.includes('trust')) better.dataUsage = 'no_training';
    const pair = [
      { id: 'p', spec: base },
      { id: 'q', spec: better },
    ];
    if (r() < 0.5) pair.reverse();
    const deployments = pair.map(({ id, spec }) => ({ name: id, weight: 1, priceUsdPerMtok: spec.price, outcome: flaky(spec.success, 500) }));
    const config = pair.map(({ id, spec }) =>
      deploymentConfig(id, spec.price, { capabilities: { vision: spec.vision }, trust: { data_usage: spec.dataUsage } }),
    );
    return { sim: { name, rate: 1, deployments }, config: { name, deployments: config }, truthBetter: 'q' };
  });
}

/**
 * Every scenario of one seed. With a `prefix`, route names get it in front (`s07.flap`), so the
 * scenarios of many seeds run side by side through one policy engine without meeting: the policy
 * weighs each route on its own evidence.
 */
export function benchRoutes(craftScenarios: number, seed: number, prefix = ''): BenchRoute[] {
  return [...named(), ...seededCraft(craftScenarios, seed)].map((r) => ({
    ...r,
    sim: { ...r.sim, name: prefix + r.sim.name },
    config: { ...r.config, name: prefix + r.sim.name },
  }));
}
