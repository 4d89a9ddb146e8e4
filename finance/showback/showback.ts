import { formatScaled, toScaled } from '../../core/money/decimal-usd.ts';
import { badInput } from '../../api/api-errors.ts';
import type { Grant } from '../../api/auth/authorize.ts';
import { groupSql } from '../../api/domains/cost/cost-dimensions.ts';
import { filterSql } from '../../api/domains/cost/cost-filter.ts';
import type { CostMeasures } from '../../api/domains/cost/cost-measures.ts';
import { queryCostPage, queryCostTotal } from '../../api/domains/cost/cost-query.ts';
import { rollupSource } from '../../api/domains/cost/rollup-source.ts';
import type { ReadStore } from '../../api/read-store.ts';

/** One team's month: what it cost, what it would have cost at list price, and its share. */
export interface ShowbackLine {
  team: string;
  measures: CostMeasures;
  /** listCostUsd − costUsd: what negotiated rates saved, exact USD. */
  savingsUsd: string;
  /** costUsd / total costUsd × 100, rounded half-up to 2 decimals ("12.34"). */
  sharePercent: string;
}

export interface Showback {
  month: string;
  total: CostMeasures;
  teams: ShowbackLine[];
}

/** `YYYY-MM` → the month's half-open UTC range. @throws ApiError BAD_USER_INPUT naming `month` */
export function monthRange(month: string, argument = 'month'): { fromMs: number; toMs: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(m?.[1]);
  const index = Number(m?.[2]) - 1;
  if (!m || index < 0 || index > 11) throw badInput(argument, `a calendar month as YYYY-MM, got ${JSON.stringify(month)}`);
  return { fromMs: Date.UTC(year, index, 1), toMs: Date.UTC(year, index + 1, 1) };
}

/**
 * The monthly showback summary per team, from the daily chargeback rollup, costliest team first,
 * within the grant's teams. Every figure exact; shares add to exactly 100 % (`sharesInHundredths`).
 */
export async function monthlyShowback(store: ReadStore, month: string, grant: Grant): Promise<Showback> {
  const range = monthRange(month);
  const query = {
    source: rollupSource(range, null),
    groups: groupSql([{ dimension: 'TEAM' }]),
    filter: filterSql(null, grant),
    order: 'COST_DESC' as const,
    first: 10_000,
  };
  const [page, total] = await Promise.all([queryCostPage(store, query), queryCostTotal(store, query)]);
  const costs = page.lines.map((l) => toScaled(l.measures.costUsd, 12));
  const shares = sharesInHundredths(costs, toScaled(total.costUsd, 12));
  return {
    month,
    total,
    teams: page.lines.map((l, i) => {
      const cost = costs[i]!;
      return {
        team: l.values[0]!,
        measures: l.measures,
        savingsUsd: formatSigned(toScaled(l.measures.listCostUsd, 12) - cost),
        sharePercent: formatScaled(shares[i]!, 2),
      };
    }),
  };
}

/**
 * Each part's share of `total` in hundredths of a percent (10,000 = 100 %). When the parts add up
 * to the total they add up to exactly 100.00 %: Hamilton's largest-remainder method (each share
 * rounded down, the hundredths left over go to the largest remainders, ties to the earlier part).
 * Otherwise (a page of the parts) each is rounded half-up. Finance reads the column's sum: half-up
 * alone gave 99.99 for three teams.
 */
export function sharesInHundredths(parts: readonly bigint[], total: bigint): bigint[] {
  if (total <= 0n) return parts.map(() => 0n);
  if (parts.reduce((a, b) => a + b, 0n) !== total || parts.some((p) => p < 0n)) return parts.map((p) => (p * 20_000n + total) / (2n * total));
  const shares = parts.map((p) => (p * 10_000n) / total);
  let left = 10_000n - shares.reduce((a, b) => a + b, 0n);
  const byRemainder = parts.map((p, i) => ({ i, rest: (p * 10_000n) % total })).sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left <= 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}

/** Negotiated rates above list would make savings negative; keep the sign. */
function formatSigned(pico: bigint): string {
  return pico < 0n ? `-${formatScaled(-pico, 12)}` : formatScaled(pico, 12);
}
