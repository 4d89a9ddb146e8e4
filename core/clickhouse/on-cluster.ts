/**
 * Rewrites one migration statement for a cluster: DDL runs `ON CLUSTER`, and MergeTree engines
 * become their Replicated variants without a path and replica (the server's default replica path
 * and macros apply), keeping any engine parameter such as a ReplacingMergeTree version column. Pure text in, text out; the statement forms are the ones our migrations use.
 * A backfill `INSERT … SELECT` is left as it is: it runs once, and replication copies its rows.
 */
export function forCluster(sql: string, cluster: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(cluster)) throw new RangeError(`cluster name "${cluster}" may only hold letters, digits, dot, dash, underscore`);
  const on = `ON CLUSTER '${cluster}'`;
  return sql
    .replace(/^(\s*(?:--[^\n]*\n\s*)*)(CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS [A-Za-z0-9_]+)/, `$1$2 ${on}`)
    .replace(/^(\s*(?:--[^\n]*\n\s*)*)(ALTER TABLE [A-Za-z0-9_]+)/, `$1$2 ${on}`)
    .replace(/^(\s*(?:--[^\n]*\n\s*)*)(DROP (?:TABLE|VIEW) IF EXISTS [A-Za-z0-9_]+)/, `$1$2 ${on}`)
    .replace(/ENGINE = (Replacing|Aggregating|Summing)?MergeTree\b/, (_m, kind: string | undefined) => `ENGINE = Replicated${kind ?? ''}MergeTree`);
}
