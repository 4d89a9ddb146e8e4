import type { RoutingDecision } from '../policy/routing-decision-contract.ts';
import { flap, lowTraffic, MIN, storm, T0, type BenchRoute } from './policy-bench-scenarios.ts';

/** What one evaluation published for the named scenarios of one seed (the rest is read at the end). */
interface Sample {
  tMs: number;
  victim: number;
  other: number;
  flapper: number;
  lowA: number;
}

/**
 * Decision quality of one seed's scenarios: fed every evaluation's decisions, it keeps only the
 * shares the named scenarios are judged on, and judges the CRAFT scenarios on the last evaluation.
 */
export class SeedReport {
  private readonly samples: Sample[] = [];
  private last: ReadonlyMap<string, RoutingDecision> = new Map();

  constructor(
    readonly seed: number,
    private readonly prefix: string,
    private readonly routes: readonly BenchRoute[],
  ) {}

  add(tMs: number, byKey: ReadonlyMap<string, RoutingDecision>): void {
    const share = (route: string, d: string) => byKey.get(`${this.prefix}${route}/${d}`)!.share;
    this.samples.push({
      tMs,
      victim: share(storm.route, storm.victim),
      other: share(storm.route, storm.other),
      flapper: share(flap.route, flap.flapper),
      lowA: share(lowTraffic.route, lowTraffic.deployments[0]!),
    });
    this.last = byKey; // every route's decisions of this evaluation; read only at the end
  }

  result() {
    // 429 storm: first evaluation at which the victim ranks below the dearer deployment.
    const demoted = this.samples.find((t) => t.tMs > storm.onsetMs && t.victim < t.other);
    const ruleDeadlineMs = storm.onsetMs + 5 * MIN;
    // Flapping: the flapper's published share once the first two flaps have settled it.
    const flapShares = this.samples.filter((t) => t.tMs >= flap.startMs + 2 * flap.periodMs * 2 && t.tMs < flap.endMs).map((t) => t.flapper);
    // Low traffic: distance of each published share from the configured 1:1, after the first minute.
    const lowErrors = this.samples.filter((t) => t.tMs >= T0 + MIN).map((t) => Math.abs(t.lowA - 0.5));
    // CRAFT: in each scenario with ground truth, is the truly better deployment ranked first at the end?
    const misses: Array<{ route: string; truly_better: string; factors: Record<string, RoutingDecision['factors']> }> = [];
    const craft = this.routes
      .filter((r) => r.truthBetter !== null)
      .map((r) => {
        const ranked = r.sim.deployments.map((d) => this.last.get(`${r.sim.name}/${d.name}`)!).sort((x, y) => y.factors.composite - x.factors.composite);
        const correct = ranked[0]!.deployment === r.truthBetter && ranked[0]!.factors.composite > ranked[1]!.factors.composite;
        if (!correct)
          misses.push({ route: r.sim.name, truly_better: r.truthBetter!, factors: Object.fromEntries(ranked.map((d) => [d.deployment, d.factors])) });
        return correct;
      });
    return {
      seed: this.seed,
      demotion_delay_s: demoted ? Math.max(0, (demoted.tMs - ruleDeadlineMs) / 1000) : null,
      demotion_after_onset_s: demoted ? (demoted.tMs - storm.onsetMs) / 1000 : null,
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
      },
    };
  }
}

export type SeedResult = ReturnType<SeedReport['result']>;

/** Goals of issue 10, judged on the worst seed. */
export const goals = { demotion_delay_s: 5, flap_share_amplitude: 15, low_traffic_share_error: 10, craft_top_correct: 0.95 };

/** The worst case across seeds for every goal, which seed it came from, and whether all goals hold. */
export function worstCase(results: readonly SeedResult[], intervalS: number) {
  const worst = <K extends 'demotion_delay_s' | 'flap_share_amplitude' | 'low_traffic_share_error'>(k: K) => {
    const r = results.reduce((a, b) => ((b[k] ?? Infinity) > (a[k] ?? Infinity) ? b : a));
    return { value: r[k], seed: r.seed };
  };
  const craft = results.reduce((a, b) => (b.craft_top_correct < a.craft_top_correct ? b : a));
  const w = {
    demotion_delay_s: worst('demotion_delay_s'),
    flap_share_amplitude: worst('flap_share_amplitude'),
    low_traffic_share_error: worst('low_traffic_share_error'),
    craft_top_correct: { value: craft.craft_top_correct, seed: craft.seed },
  };
  const met = {
    demotion_delay_s: w.demotion_delay_s.value !== null && w.demotion_delay_s.value <= intervalS,
    flap_share_amplitude: w.flap_share_amplitude.value <= goals.flap_share_amplitude,
    low_traffic_share_error: w.low_traffic_share_error.value <= goals.low_traffic_share_error,
    craft_top_correct: w.craft_top_correct.value >= goals.craft_top_correct,
  };
  return { worst: w, goals: { ...goals, demotion_delay_s: intervalS }, met, all_met: Object.values(met).every(Boolean) };
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
