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
 * within the grant's teams. Every figure exact; shares add to 100 within rounding.
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
  const totalPico = toScaled(total.costUsd, 12);
  return {
    month,
    total,
    teams: page.lines.map((l) => {
      const cost = toScaled(l.measures.costUsd, 12);
      // basis points × 100 of the share, rounded half-up: (cost × 10^4 × 2 + total) / (2 × total).
      const hundredths = totalPico === 0n ? 0n : (cost * 20_000n + totalPico) / (2n * totalPico);
      return {
        team: l.values[0]!,
        measures: l.measures,
        savingsUsd: formatSigned(toScaled(l.measures.listCostUsd, 12) - cost),
        sharePercent: formatScaled(hundredths, 2),
      };
    }),
  };
}

/** Negotiated rates above list would make savings negative; keep the sign. */
function formatSigned(pico: bigint): string {
  return pico < 0n ? `-${formatScaled(-pico, 12)}` : formatScaled(pico, 12);
}
