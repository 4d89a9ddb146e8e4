import { round4 } from './evidence-smoothing.ts';

export const overrideActions = ['pin', 'drain', 'canary'] as const;
export type OverrideAction = (typeof overrideActions)[number];

/** An operator's instruction for one deployment, with its audit facts. */
export interface OperatorOverride {
  id: string;
  route: string;
  deployment: string;
  action: OverrideAction;
  /** Canary only: the share of the route's first picks, in (0, 1). */
  share: number | null;
  /** Who set it (the API caller's identity). */
  actor: string;
  /** Why, in the operator's words. */
  reason: string;
  createdAtMs: number;
  expiresAtMs: number;
  /** When it was lifted before expiry, ms since epoch; null if not. */
  revokedAtMs: number | null;
}

/** Overrides in force at `nowMs`: created, not expired, not revoked. */
export function activeOverrides(all: readonly OperatorOverride[], nowMs: number): OperatorOverride[] {
  return all.filter((o) => o.createdAtMs <= nowMs && nowMs < o.expiresAtMs && (o.revokedAtMs === null || o.revokedAtMs > nowMs));
}

export interface OverriddenWeight {
  weight: number;
  /** The override that set this weight (for a pin elsewhere: the pin), or null. */
  override: OperatorOverride | null;
  effect: 'none' | 'pinned' | 'pinned_elsewhere' | 'drained' | 'canary';
}

/**
 * Applies a route's active overrides to policy multipliers, newest last: drain sets 0 (a last
 * resort only); canary gives the deployment `share` of the effective weight (configured ×
 * multiplier) and leaves the others' proportions; pin sets the deployment to 1 and every other
 * to 0. Multipliers are rescaled so the largest is 1 (the collector uses only their ratios).
 */
export function applyOverrides(
  rows: ReadonlyArray<{ deployment: string; configuredWeight: number; weight: number }>,
  overrides: readonly OperatorOverride[],
): Map<string, OverriddenWeight> {
  const out = new Map<string, OverriddenWeight>(rows.map((r) => [r.deployment, { weight: r.weight, override: null, effect: 'none' }]));
  const configured = new Map(rows.map((r) => [r.deployment, r.configuredWeight]));
  const order = { drain: 0, canary: 1, pin: 2 } as const;
  const sorted = overrides.filter((o) => out.has(o.deployment)).sort((a, b) => order[a.action] - order[b.action] || a.createdAtMs - b.createdAtMs);
  for (const o of sorted) {
    if (o.action === 'drain') out.set(o.deployment, { weight: 0, override: o, effect: 'drained' });
    if (o.action === 'pin') {
      for (const [d, w] of out)
        out.set(d, d === o.deployment ? { weight: 1, override: o, effect: 'pinned' } : { ...w, weight: 0, override: o, effect: 'pinned_elsewhere' });
    }
    if (o.action === 'canary') applyCanary(out, configured, o);
  }
  const max = Math.max(0, ...[...out.values()].map((w) => w.weight));
  if (max > 0) for (const w of out.values()) w.weight = round4(w.weight / max);
  return out;
}

function applyCanary(out: Map<string, OverriddenWeight>, configured: Map<string, number>, o: OperatorOverride): void {
  // Validated to (0, 1) when set; clamped here so a bad row cannot divide by zero.
  const share = Math.min(0.999, Math.max(0, o.share ?? 0));
  const conf = configured.get(o.deployment) ?? 0;
  let others = 0;
  for (const [d, w] of out) if (d !== o.deployment) others += (configured.get(d) ?? 0) * w.weight;
  if (conf <= 0) return;
  // share / (1 − share) of what the others get, so the canary holds `share` of the total.
  const weight = others > 0 ? ((share / (1 - share)) * others) / conf : 1;
  out.set(o.deployment, { weight, override: o, effect: 'canary' });
}
