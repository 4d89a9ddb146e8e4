import type { PolicySettings } from './policy-settings.ts';
import { emptyWindow, type DeploymentEvidence, type RouteProfile } from './policy-inputs.ts';
import { scoreRoute, type CraftScore } from './craft-scores.ts';
import { routeHealth, type LiveHealth } from './live-health.ts';
import { stepWeight, type ControllerState, type StepResult } from './weight-controller.ts';
import { applyRateLimitRule, rateLimitVerdict, type RateLimitVerdict } from './rate-limit-rule.ts';
import { activeOverrides, applyOverrides, type OperatorOverride, type OverriddenWeight } from './operator-overrides.ts';
import { countedAttempts, round4, shrunkRelative } from './evidence-smoothing.ts';
import type { DecisionReason, RoutingDecision } from './routing-decision-contract.ts';
import { describeDecision } from './decision-detail.ts';

/** Controller state per route and deployment, carried from one evaluation to the next. */
export type PolicyState = ReadonlyMap<string, ControllerState>;

export interface PolicyStepInput {
  nowMs: number;
  /** The configured routes: the only deployments that get a weight. */
  routes: readonly RouteProfile[];
  evidence: readonly DeploymentEvidence[];
  overrides: readonly OperatorOverride[];
  state: PolicyState;
  settings: PolicySettings;
}

export interface PolicyStepOutput {
  decisions: RoutingDecision[];
  scores: CraftScore[];
  /** Only configured deployments: a removed one leaves no state and no decision. */
  state: Map<string, ControllerState>;
}

export const stateKey = (route: string, deployment: string) => `${route}\u0000${deployment}`;

/**
 * One policy evaluation, pure: per route, CRAFT composite relative to the route's best (shrunk
 * toward 1 while the deployment's hour evidence is thin) × live health is the target; the controller steps toward it (AIMD, hysteresis, recovery hold, floor);
 * the 429 rule caps rate-limited deployments below the rest; operator overrides apply last and do
 * not touch the controller's state, so lifting one resumes from the evidence.
 */
export function evaluatePolicy(input: PolicyStepInput): PolicyStepOutput {
  const { nowMs, settings: s } = input;
  const byRoute = new Map<string, Map<string, DeploymentEvidence>>();
  for (const e of input.evidence) {
    if (!byRoute.has(e.route)) byRoute.set(e.route, new Map());
    byRoute.get(e.route)!.set(e.deployment, e);
  }
  const overrides = activeOverrides(input.overrides, nowMs);
  const out: PolicyStepOutput = { decisions: [], scores: [], state: new Map() };
  for (const route of input.routes) {
    const evidence = byRoute.get(route.route) ?? new Map<string, DeploymentEvidence>();
    const scores = scoreRoute(route, evidence, s);
    const health = routeHealth(
      route.deployments.map((d) => d.deployment),
      evidence,
      s,
    );
    const best = Math.max(...scores.map((c) => c.composite));
    const steps = new Map<string, { step: StepResult; target: number; verdict: RateLimitVerdict; shrunk: number | null }>();
    for (const [i, d] of route.deployments.entries()) {
      const h = health.get(d.deployment)!;
      const relative = best > 0 ? scores[i]!.composite / best : 1;
      const shrunk = shrunkRelative(relative, countedAttempts(evidence.get(d.deployment)?.hour ?? emptyWindow(0)), s);
      const target = round4(shrunk * h.health);
      const prev = input.state.get(stateKey(route.route, d.deployment));
      const step = stepWeight(prev, target, h.health <= s.failingHealth, nowMs, s, h.health < s.degradedHealth, h.attempts > 0);
      const verdict = rateLimitVerdict(evidence.get(d.deployment)?.recent ?? emptyWindow(s.rateLimitWindowMs / 1000), s);
      steps.set(d.deployment, { step, target, verdict, shrunk: Math.abs(shrunk - relative) >= 0.0001 ? round4(shrunk) : null });
    }
    // The exploration floor keeps every deployment without fresh evidence of failure in rotation.
    const published = new Map(
      route.deployments.map((d) => {
        const st = steps.get(d.deployment)!.step.state;
        return [d.deployment, health.get(d.deployment)!.health <= s.failingHealth ? st.weight : Math.max(st.weight, s.explorationFloor)];
      }),
    );
    const capped = applyRateLimitRule(
      route.deployments.map((d) => ({
        deployment: d.deployment,
        configuredWeight: d.configuredWeight,
        weight: published.get(d.deployment)!,
        over: steps.get(d.deployment)!.verdict.over,
      })),
      s,
    );
    for (const [deployment, weight] of capped) {
      const st = steps.get(deployment)!.step.state;
      // The cap is a decrease like any other: it starts a recovery hold and counts as an episode.
      if (weight < st.weight) Object.assign(st, { weight, lastDecreaseAtMs: nowMs, penalty: st.inEpisode ? st.penalty : st.penalty + 1, inEpisode: true });
      published.set(deployment, weight);
    }
    const overridden = applyOverrides(
      route.deployments.map((d) => ({ deployment: d.deployment, configuredWeight: d.configuredWeight, weight: published.get(d.deployment)! })),
      overrides.filter((o) => o.route === route.route),
    );
    const total = route.deployments.reduce((sum, d) => sum + d.configuredWeight * overridden.get(d.deployment)!.weight, 0);
    for (const [i, d] of route.deployments.entries()) {
      const { step, target, verdict, shrunk } = steps.get(d.deployment)!;
      const h = health.get(d.deployment)!;
      const o = overridden.get(d.deployment)!;
      out.state.set(stateKey(route.route, d.deployment), step.state);
      const reason = reasonFor(o, capped.has(d.deployment), h, step, target, s);
      const share = total > 0 ? round4((d.configuredWeight * o.weight) / total) : 0;
      const c = scores[i]!;
      out.decisions.push({
        route: route.route,
        deployment: d.deployment,
        weight: o.weight,
        share,
        reason,
        detail: describeDecision({ reason, weight: o.weight, target, best, shrunk, craft: c, health: h, step, verdict, override: o.override, settings: s }),
        factors: {
          composite: c.composite,
          cost: c.factors.cost.score,
          reliability: c.factors.reliability.score,
          availability: c.factors.availability.score,
          flexibility: c.factors.flexibility.score,
          trust: c.factors.trust.score,
          health: h.health,
          reliabilityHealth: h.reliability,
          latencyHealth: h.latency,
          confidence: h.confidence,
          target,
        },
        evidence: { attempts: h.attempts, successRate: h.successRate, rateLimitedShare: h.rateLimitedShare, p95Ms: h.p95Ms, windowS: h.windowS },
        override: o.override
          ? {
              id: o.override.id,
              action: o.override.action,
              share: o.override.share,
              actor: o.override.actor,
              reason: o.override.reason,
              expiresAt: new Date(o.override.expiresAtMs).toISOString(),
            }
          : null,
        computedAt: new Date(nowMs).toISOString(),
      });
    }
    out.scores.push(...scores);
  }
  return out;
}

function reasonFor(o: OverriddenWeight, rateLimited: boolean, h: LiveHealth, step: StepResult, target: number, s: PolicySettings): DecisionReason {
  if (o.effect !== 'none') return o.effect;
  if (rateLimited) return 'rate_limited';
  if (h.health <= s.failingHealth) return 'failing';
  if (h.health < s.degradedHealth) return 'degraded';
  if (step.kind === 'held' || step.state.weight < target - s.deadband) return 'recovering';
  if (h.confidence < 0.5) return 'thin_evidence';
  return 'healthy';
}
