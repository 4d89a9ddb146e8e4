import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { PolicyService } from '../policy/policy-service.ts';
import type { RoutingDecision } from '../policy/routing-decision-contract.ts';
import { benchRoutes, flap, lowTraffic, MIN, storm, T0 } from './policy-bench-scenarios.ts';
import { routeTraffic, seeded } from './policy-bench-traffic.ts';

// Decision quality of the policy engine: synthetic traffic with known ground truth, routed by the
// collector's weighted choice with the policy's weights, stored through the real ingest writer
// into chDB (raw and the v2 rollups), and evaluated by the real PolicyService on a simulated clock.
// Prints one JSON object.

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '40' },
    'craft-scenarios': { type: 'string', default: '40' },
    seed: { type: 'string', default: '7' },
    /** Prints every decision of this route to stderr, one line per evaluation. */
    trace: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const INTERVAL_MS = 5000;
const WINDOW_MS = 30_000;
const steps = (Number(values.minutes) * MIN) / INTERVAL_MS;
const routes = benchRoutes(Number(values['craft-scenarios']), Number(values.seed));
const random = seeded(Number(values.seed) + 1);

const dir = mkdtempSync(join(tmpdir(), 'switchyard-policy-bench-'));
const clickhouse = createClickHouse({ kind: 'embedded', path: dir });
const wallStart = performance.now();
try {
  await migrate(clickhouse);
  const config = parseRoutesConfig({ routes: routes.map((r) => r.config) }, 'bench routes');
  let now = T0;
  const policy = new PolicyService({ clickhouse, routes: config, intervalMs: INTERVAL_MS, windowMs: WINDOW_MS, clock: { now: () => now } });
  const { handle } = createAttemptWriter({ clickhouse, source: 'policy-bench' });
  const weights = new Map<string, Map<string, number>>();
  const timeline: Array<{ tMs: number; decisions: Map<string, RoutingDecision> }> = [];
  let offset = 0;
  let events = 0;
  for (let step = 0; step < steps; step++) {
    const fromMs = T0 + step * INTERVAL_MS;
    const batch = routes.flatMap((r) => routeTraffic(r.sim, weights.get(r.sim.name) ?? new Map(), fromMs, INTERVAL_MS, random));
    if (batch.length) await handle(batch.map((e) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(offset++) })));
    events += batch.length;
    now = fromMs + INTERVAL_MS;
    const { decisions } = await policy.evaluate();
    // The collector applies the published weights from the next requests on (one poll, ≤ 5 s).
    for (const d of decisions) {
      if (!weights.has(d.route)) weights.set(d.route, new Map());
      weights.get(d.route)!.set(d.deployment, d.weight);
    }
    timeline.push({ tMs: now, decisions: new Map(decisions.map((d) => [`${d.route}/${d.deployment}`, d])) });
    for (const d of decisions.filter((x) => x.route === values.trace)) console.error(`${(now - T0) / 1000}s ${d.deployment} share=${d.share} ${d.detail}`);
  }
  console.log(JSON.stringify(report(timeline, events), null, values.json ? undefined : 2));
} finally {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
}

function report(timeline: Array<{ tMs: number; decisions: Map<string, RoutingDecision> }>, events: number) {
  const at = (t: (typeof timeline)[number], route: string, d: string) => t.decisions.get(`${route}/${d}`)!;
  // 429 storm: first evaluation at which the victim ranks below the dearer deployment.
  const demoted = timeline.find((t) => t.tMs > storm.onsetMs && at(t, storm.route, storm.victim).share < at(t, storm.route, storm.other).share);
  const ruleDeadlineMs = storm.onsetMs + 5 * MIN;
  const demotedAfterOnsetS = demoted ? (demoted.tMs - storm.onsetMs) / 1000 : null;
  // Flapping: the flapper's published share once the first two flaps have settled it.
  const flapShares = timeline
    .filter((t) => t.tMs >= flap.startMs + 2 * flap.periodMs * 2 && t.tMs < flap.endMs)
    .map((t) => at(t, flap.route, flap.flapper).share);
  // Low traffic: distance of each published share from the configured 1:1, after the first minute.
  const lowErrors = timeline.filter((t) => t.tMs >= T0 + MIN).map((t) => Math.abs(at(t, lowTraffic.route, lowTraffic.deployments[0]!).share - 0.5));
  // CRAFT: in each scenario with ground truth, is the truly better deployment ranked first at the end?
  const last = timeline.at(-1)!;
  const misses: Array<{ route: string; truly_better: string; composite: Record<string, number> }> = [];
  const craft = routes
    .filter((r) => r.truthBetter !== null)
    .map((r) => {
      const ranked = r.sim.deployments.map((d) => at(last, r.sim.name, d.name)).sort((x, y) => y.factors.composite - x.factors.composite);
      const correct = ranked[0]!.deployment === r.truthBetter && ranked[0]!.factors.composite > ranked[1]!.factors.composite;
      if (!correct)
        misses.push({ route: r.sim.name, truly_better: r.truthBetter!, composite: Object.fromEntries(ranked.map((d) => [d.deployment, d.factors.composite])) });
      return correct;
    });
  return {
    demotion_delay_s: demotedAfterOnsetS === null ? null : Math.max(0, (demoted!.tMs - ruleDeadlineMs) / 1000),
    demotion_after_onset_s: demotedAfterOnsetS,
    flap_share_amplitude: round(100 * (Math.max(...flapShares) - Math.min(...flapShares))),
    low_traffic_share_error: round(100 * Math.max(...lowErrors)),
    low_traffic_share_error_mean: round((100 * lowErrors.reduce((a, b) => a + b, 0)) / lowErrors.length),
    craft_top_correct: round(craft.filter(Boolean).length / craft.length),
    craft_misses: misses,
    counted: {
      craft_scenarios: craft.length,
      craft_correct: craft.filter(Boolean).length,
      flap_evaluations: flapShares.length,
      low_traffic_evaluations: lowErrors.length,
      policy_evaluations: timeline.length,
      attempts_stored: events,
    },
    settings: {
      policy_interval_s: INTERVAL_MS / 1000,
      policy_window_s: WINDOW_MS / 1000,
      simulated_minutes: Number(values.minutes),
      seed: Number(values.seed),
    },
    wall_s: round((performance.now() - wallStart) / 1000),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
