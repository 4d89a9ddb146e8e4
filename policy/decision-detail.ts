import type { PolicySettings } from './policy-settings.ts';
import type { CraftScore } from './craft-scores.ts';
import type { LiveHealth } from './live-health.ts';
import type { StepResult } from './weight-controller.ts';
import type { RateLimitVerdict } from './rate-limit-rule.ts';
import type { OperatorOverride } from './operator-overrides.ts';
import type { DecisionReason } from './routing-decision-contract.ts';

export interface DetailInput {
  reason: DecisionReason;
  weight: number;
  target: number;
  best: number;
  /** composite / best after thin-evidence shrinkage, when that changed it; else null. */
  shrunk: number | null;
  craft: CraftScore;
  health: LiveHealth;
  step: StepResult;
  verdict: RateLimitVerdict;
  override: OperatorOverride | null;
  settings: PolicySettings;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const iso = (ms: number) => new Date(ms).toISOString();

/** One sentence explaining a weight: the formula with its numbers, the rule or step that bound it, any override. */
export function describeDecision(d: DetailInput): string {
  const h = d.health;
  const parts = [
    `target ${d.target} = composite ${d.craft.composite} / route best ${d.best}${d.shrunk === null ? '' : ` (${d.shrunk} with thin evidence)`} × health ${h.health}` +
      ` (success ${pct(h.successRate)} smoothed, at most ${pct(h.successBound)}, over ${h.attempts} attempts in ${h.windowS} s, latency ×${h.latency}${h.p95Ms === null ? '' : `, p95 ${Math.round(h.p95Ms)} ms`})`,
  ];
  const s = d.settings;
  if (d.step.kind === 'decrease') parts.push(`lowered at most ×${s.decreaseFactor} per step`);
  if (d.step.kind === 'hard_drop') parts.push(`health ≤ ${s.failingHealth}: dropped at once`);
  if (d.step.kind === 'increase') parts.push(`raised at most +${s.increaseStep} per step`);
  if (d.step.kind === 'held')
    parts.push(
      d.step.holdMs === 0
        ? 'held until an attempt shows it healthy (increases are earned by fresh evidence)'
        : `recovery held ${Math.round(d.step.holdMs / 1000)} s after the last decrease (flap penalty ${d.step.state.penalty.toFixed(2)})`,
    );
  if (d.reason !== 'failing' && d.step.state.weight < s.explorationFloor) parts.push(`exploration floor ${s.explorationFloor}`);
  if (d.verdict.over)
    parts.push(
      `429 rule: ${pct(d.verdict.share)} of ${d.verdict.attempts} attempts over ${d.verdict.windowS} s were 429 (> ${pct(s.rateLimitShare)}), ranked below the others`,
    );
  if (d.override) {
    const o = d.override;
    const what = d.reason === 'pinned_elsewhere' ? `route pinned to ${o.deployment}` : o.action === 'canary' ? `canary share ${pct(o.share ?? 0)}` : o.action;
    parts.push(`override ${what} by ${o.actor} at ${iso(o.createdAtMs)} until ${iso(o.expiresAtMs)}: "${o.reason}"`);
  }
  return `${d.reason}: weight ${d.weight}; ${parts.join('; ')}`;
}
