import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { queryDeploymentEvidence } from './deployment-evidence-query.ts';
import { latestDecisions, writeDecisions } from './decision-store.ts';
import { readOverrides } from './override-store.ts';
import { defaultPolicySettings, type PolicySettings } from './policy-settings.ts';
import type { DeploymentEvidence, RouteProfile } from './policy-inputs.ts';
import { evaluatePolicy, stateKey, type PolicyStepOutput } from './routing-decisions.ts';
import { routeProfiles } from './route-profiles-from-config.ts';
import { profileFromEvidence } from './unconfigured-profiles.ts';
import type { ControllerState } from './weight-controller.ts';
import { clientRows } from './row-reader.ts';
import { readCircuitReports } from './circuit-transitions-store.ts';
import { circuitOpenSeconds } from './circuit-open-time.ts';
import { withCircuitOpenTime } from './circuit-evidence.ts';

export interface PolicyServiceOptions {
  clickhouse: ClickHouseClient;
  /** How often weights are recomputed, ms. */
  intervalMs: number;
  /** The sliding window live health looks at, ms. */
  windowMs: number;
  /**
   * The routes config in force (`setRoutes` replaces it on a reload). Without one, the
   * deployments seen in the last hour are scored with neutral profiles.
   */
  routes?: RoutesConfig;
  settings?: PolicySettings;
  clock?: Clock;
  log?: (message: string) => void;
}

/**
 * Recomputes routing decisions every interval from the v2 per-minute rollup, the collectors'
 * circuit reports, operator overrides and the controller state it keeps between evaluations, and stores them (history included).
 */
export class PolicyService {
  private readonly clock: Clock;
  private readonly loop: PeriodicTask;
  private readonly settings: PolicySettings;
  private state: Map<string, ControllerState> | null = null;
  private routes: RoutesConfig | undefined;

  constructor(private readonly options: PolicyServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.settings = options.settings ?? defaultPolicySettings;
    this.routes = options.routes;
    this.loop = new PeriodicTask(
      () => this.evaluate().catch((err: unknown) => options.log?.(`policy: evaluation failed, keeping previous weights: ${(err as Error).message}`)),
      options.intervalMs,
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A reloaded routes file: the next evaluation weighs exactly its deployments. */
  setRoutes(config: RoutesConfig): void {
    this.routes = config;
  }

  /** One evaluation: evidence + overrides + state → decisions, stored. Returns what it stored. */
  async evaluate(): Promise<PolicyStepOutput> {
    const nowMs = this.clock.now();
    const s = this.settings;
    const { clickhouse } = this.options;
    const evidence = await queryDeploymentEvidence(clickhouse, nowMs, {
      windowMs: this.options.windowMs,
      recentMs: s.rateLimitWindowMs,
      availabilityMs: s.availabilityWindowMs,
      downMinuteSuccessRate: s.downMinuteSuccessRate,
      evidenceZ: s.evidenceZ,
      rateLimitedFailureWeight: s.rateLimitedFailureWeight,
    });
    const overrides = await readOverrides(clientRows(clickhouse), nowMs, nowMs);
    const state = this.state ?? (await this.restoreState(nowMs));
    const routes = this.profiles(evidence);
    const withCircuits = await this.circuitEvidence(evidence, routes, nowMs);
    const out = evaluatePolicy({ nowMs, routes, evidence: withCircuits, overrides, state, settings: s });
    await writeDecisions(clickhouse, out.decisions, out.scores, routes);
    this.state = out.state;
    return out;
  }

  /** Availability's circuit-open seconds over the same whole-minute look-back the evidence covers. */
  private async circuitEvidence(evidence: DeploymentEvidence[], routes: readonly RouteProfile[], nowMs: number): Promise<DeploymentEvidence[]> {
    const s = this.settings;
    const since = (ms: number) => Math.floor((nowMs - ms) / 60_000) * 60_000;
    const hourStart = since(s.availabilityWindowMs);
    const reports = await readCircuitReports(clientRows(this.options.clickhouse), hourStart - s.circuitReportGraceMs, nowMs);
    const open = circuitOpenSeconds(reports, hourStart, nowMs, s.circuitReportGraceMs);
    const lengthS = (ms: number) => Math.round((nowMs - since(ms)) / 1000);
    return withCircuitOpenTime(evidence, open, routes, {
      window: lengthS(this.options.windowMs),
      recent: lengthS(s.rateLimitWindowMs),
      hour: lengthS(s.availabilityWindowMs),
    });
  }

  private profiles(evidence: readonly DeploymentEvidence[]): RouteProfile[] {
    return this.routes ? routeProfiles(this.routes) : profileFromEvidence(evidence);
  }

  /**
   * After a restart the controller resumes from the weights last published (within an hour), so
   * a demoted deployment is not handed its full share back by a restart.
   */
  private async restoreState(nowMs: number): Promise<Map<string, ControllerState>> {
    const last = await latestDecisions(clientRows(this.options.clickhouse), nowMs, 3_600_000);
    const state = new Map<string, ControllerState>();
    for (const { decision: d } of last) {
      // Overridden weights are not the controller's; resume from what the evidence asked for.
      const weight = d.override ? d.factors.target : d.weight;
      state.set(stateKey(d.route, d.deployment), { weight, lastDecreaseAtMs: null, penalty: 0, penaltyAtMs: nowMs, inEpisode: false, suppressed: false });
    }
    return state;
  }
}
