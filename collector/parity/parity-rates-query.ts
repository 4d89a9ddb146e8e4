import type { RowReader } from '../../policy/row-reader.ts';
import { chTime } from '../../policy/row-reader.ts';
import { picoToUsd, toScaled } from '../../core/money/decimal-usd.ts';

/** Contract checks of one deployment's served answers over a range. */
export interface DeploymentParity {
  route: string;
  deployment: string;
  /** Answers with a contract (outcome other than `none`). */
  checked: number;
  ok: number;
  /** ok / checked; null when nothing was checked. */
  rate: number | null;
  /** Attempts per outcome, `none` included. */
  byOutcome: Record<string, number>;
}

/** Shadow comparisons of one (served deployment, alternate) pair. */
export interface PairParity {
  route: string;
  deployment: string;
  alternate: string;
  shadowed: number;
  matches: number;
  /** matches / shadowed; null without shadow traffic. */
  rate: number | null;
  /** The alternate's contract outcomes on the copies. */
  alternateByOutcome: Record<string, number>;
  /** Spent on the copies, USD (exact decimal text). */
  costUsd: string;
}

export interface ParityRates {
  deployments: DeploymentParity[];
  pairs: PairParity[];
}

interface Row {
  route: string;
  deployment: string;
  shadow_of: string;
  parity: string;
  n: string;
  matches: string;
  cost: string;
}

/**
 * Parity rates over [fromMs, toMs) from `parity_per_minute_by_deployment_v1` (whole minutes):
 * per deployment, the share of checked answers that kept their contract; per (deployment,
 * alternate) pair, the share of shadow copies whose answer matched the served one in structure.
 * The metric the policy's Trust factor and alert rules read (docs/parity.md).
 */
export async function queryParityRates(rows: RowReader, range: { fromMs: number; toMs: number; route?: string }): Promise<ParityRates> {
  const data = await rows<Row>(
    `SELECT route, deployment, shadow_of, parity, toString(sum(attempts)) AS n, toString(sum(shadow_matches)) AS matches, toString(sum(cost_usd)) AS cost
     FROM parity_per_minute_by_deployment_v1
     WHERE minute >= toStartOfMinute({from:DateTime64(3, 'UTC')}) AND minute < {to:DateTime64(3, 'UTC')}
       AND ({route:String} = '' OR route = {route:String})
     GROUP BY route, deployment, shadow_of, parity
     ORDER BY route, deployment, shadow_of, parity`,
    { from: chTime(range.fromMs), to: chTime(range.toMs), route: range.route ?? '' },
  );
  return { deployments: servedRates(data.filter((r) => r.shadow_of === '')), pairs: pairRates(data.filter((r) => r.shadow_of !== '')) };
}

function servedRates(data: Row[]): DeploymentParity[] {
  const out = new Map<string, DeploymentParity>();
  for (const r of data) {
    const key = `${r.route}\n${r.deployment}`;
    const d = out.get(key) ?? { route: r.route, deployment: r.deployment, checked: 0, ok: 0, rate: null, byOutcome: {} };
    const n = Number(r.n);
    d.byOutcome[r.parity] = (d.byOutcome[r.parity] ?? 0) + n;
    if (r.parity !== 'none') d.checked += n;
    if (r.parity === 'ok') d.ok += n;
    d.rate = d.checked > 0 ? d.ok / d.checked : null;
    out.set(key, d);
  }
  return [...out.values()];
}

function pairRates(data: Row[]): PairParity[] {
  const out = new Map<string, PairParity & { pico: bigint }>();
  for (const r of data) {
    const key = `${r.route}\n${r.shadow_of}\n${r.deployment}`;
    const p = out.get(key) ?? {
      route: r.route,
      deployment: r.shadow_of,
      alternate: r.deployment,
      shadowed: 0,
      matches: 0,
      rate: null,
      alternateByOutcome: {},
      costUsd: '0',
      pico: 0n,
    };
    p.shadowed += Number(r.n);
    p.matches += Number(r.matches);
    p.alternateByOutcome[r.parity] = (p.alternateByOutcome[r.parity] ?? 0) + Number(r.n);
    p.pico += picoOf(r.cost);
    p.rate = p.shadowed > 0 ? p.matches / p.shadowed : null;
    out.set(key, p);
  }
  return [...out.values()].map(({ pico, ...p }) => ({ ...p, costUsd: picoToUsd(pico) }));
}

const picoOf = (text: string) => toScaled(text, 12);

/**
 * A Trust multiplier from parity, 0..1, for the policy's CRAFT Trust factor: the Beta-smoothed
 * share of checked answers that kept their contract, `(ok + prior) / (checked + prior)` with a
 * neutral prior of `prior` pseudo-answers that all kept it, so thin evidence barely moves it.
 */
export function parityTrustFactor(parity: Pick<DeploymentParity, 'checked' | 'ok'> | undefined, prior = 5): number {
  if (!parity) return 1;
  return (parity.ok + prior) / (parity.checked + prior);
}
