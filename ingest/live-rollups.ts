import type { ClickHouseClient } from '../core/clickhouse/client.ts';

/**
 * Rollup tables a materialized view currently feeds from every row of `attempts`, and that count
 * attempts (an `attempts` column): the numbers a copy stored twice would inflate, each of which
 * must sum to the raw count. Views with a WHERE count a subset by design and are left out. Read
 * from the catalog, so a rollup added or retired by a migration is covered without listing it.
 */
export async function liveRollups(client: ClickHouseClient): Promise<string[]> {
  const views = await (
    await client.query({
      query: `SELECT create_table_query AS ddl FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'`,
      format: 'JSONEachRow',
    })
  ).json<{ ddl: string }>();
  const targets = views
    .filter((v) => /\bFROM\s+(?:\w+\.)?attempts\b/i.test(v.ddl) && !/\bWHERE\b/i.test(v.ddl))
    .map((v) => /\bTO\s+(?:\w+\.)?(\w+)/i.exec(v.ddl)?.[1])
    .filter((t): t is string => t !== undefined);
  const counting = await (
    await client.query({
      query: `SELECT DISTINCT table FROM system.columns WHERE database = currentDatabase() AND name = 'attempts' AND table IN {targets:Array(String)}`,
      query_params: { targets },
      format: 'JSONEachRow',
    })
  ).json<{ table: string }>();
  return counting.map((c) => c.table).sort();
}

/** sum(attempts) of every live rollup, by table. */
export async function rollupAttemptTotals(client: ClickHouseClient): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const table of await liveRollups(client)) {
    const rows = await (
      await client.query({ query: 'SELECT sum(attempts) AS n FROM {table:Identifier}', query_params: { table }, format: 'JSONEachRow' })
    ).json<{ n: string }>();
    totals[table] = Number(rows[0]?.n ?? 0);
  }
  return totals;
}
