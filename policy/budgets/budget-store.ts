import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { calendarBudgetSchema, type CalendarBudget } from '../../collector/budget/budget-definition.ts';
import { chTime, type RowReader } from '../row-reader.ts';

export type BudgetSource = 'routes' | 'api';

export interface StoredBudget {
  budget: CalendarBudget;
  source: BudgetSource;
  updatedBy: string;
  updatedAtMs: number;
}

/** Budgets in force: the newest version of each, deleted ones left out. */
export async function readBudgets(rows: RowReader): Promise<StoredBudget[]> {
  const found = await rows<{ definition: string; source: BudgetSource; updated_by: string; updated_ms: string }>(
    `SELECT argMax(definition, version) AS definition, argMax(source, version) AS source, argMax(updated_by, version) AS updated_by,
            toString(toUnixTimestamp64Milli(argMax(updated_at, version))) AS updated_ms
     FROM budgets_v1 GROUP BY budget_id HAVING argMax(deleted, version) = false ORDER BY budget_id`,
    {},
  );
  // A definition that no longer validates (written by a newer version) is skipped, not fatal.
  return found.flatMap((r) => {
    const parsed = calendarBudgetSchema.safeParse(JSON.parse(r.definition));
    return parsed.success ? [{ budget: parsed.data, source: r.source, updatedBy: r.updated_by, updatedAtMs: Number(r.updated_ms) }] : [];
  });
}

/** Writes a new version of a budget (or its deletion). `nowMs` orders versions. */
export async function writeBudget(
  client: ClickHouseClient,
  budget: CalendarBudget,
  source: BudgetSource,
  actor: string,
  nowMs: number,
  deleted = false,
): Promise<void> {
  await client.insert({
    table: 'budgets_v1',
    format: 'JSONEachRow',
    values: [{ budget_id: budget.id, definition: JSON.stringify(budget), source, deleted, updated_by: actor, updated_at: chTime(nowMs), version: nowMs }],
  });
}

/**
 * Makes the stored routes-file budgets equal the file's: new or changed ones written, ones gone
 * from the file deleted. Budgets created through the API are left alone unless the file names
 * the same id (the file wins: it is the reviewed source).
 */
export async function syncRouteBudgets(client: ClickHouseClient, rows: RowReader, fromFile: readonly CalendarBudget[], nowMs: number): Promise<void> {
  const stored = await readBudgets(rows);
  const byId = new Map(stored.map((s) => [s.budget.id, s]));
  for (const b of fromFile) {
    const have = byId.get(b.id);
    if (!have || have.source !== 'routes' || JSON.stringify(have.budget) !== JSON.stringify(b)) await writeBudget(client, b, 'routes', 'routes-file', nowMs);
  }
  const inFile = new Set(fromFile.map((b) => b.id));
  for (const s of stored) if (s.source === 'routes' && !inFile.has(s.budget.id)) await writeBudget(client, s.budget, 'routes', 'routes-file', nowMs, true);
}
