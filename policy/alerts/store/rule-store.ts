import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import { alertRuleSchema, type AlertRule } from '../rules/alert-rule-schema.ts';
import { fromChTime, chTime, type RowReader } from '../../row-reader.ts';

/** A rule stored through the API, with who changed it last. */
export interface StoredRule {
  rule: AlertRule;
  updatedBy: string;
  updatedAt: number;
}

/**
 * Rules created or changed through GraphQL (alert_rules_v1), newest version per name, deleted
 * ones left out. A stored definition that no longer validates (the schema moved on) is skipped
 * and reported through `onInvalid`, never guessed at.
 */
export async function readStoredRules(rows: RowReader, onInvalid: (name: string, problem: string) => void = () => {}): Promise<StoredRule[]> {
  const found = await rows<{ name: string; rule: string; deleted: boolean | number; updated_by: string; updated_at: string }>(
    `SELECT name, argMax(rule, version) AS rule, argMax(deleted, version) AS deleted, argMax(updated_by, version) AS updated_by, max(updated_at) AS updated_at
     FROM alert_rules_v1 GROUP BY name ORDER BY name`,
    {},
  );
  const out: StoredRule[] = [];
  for (const r of found) {
    if (r.deleted === true || r.deleted === 1) continue;
    const parsed = alertRuleSchema.safeParse(JSON.parse(r.rule));
    if (parsed.success) out.push({ rule: parsed.data, updatedBy: r.updated_by, updatedAt: fromChTime(r.updated_at) });
    else onInvalid(r.name, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return out;
}

/** Writes a new version of a rule (or its deletion). `rule` is the validated rule (durations in ms). */
export async function writeRule(ch: ClickHouseClient, name: string, rule: AlertRule | null, by: string, at: number): Promise<void> {
  await ch.insert({
    table: 'alert_rules_v1',
    format: 'JSONEachRow',
    values: [{ name, rule: rule ? JSON.stringify(rule) : '{}', deleted: rule === null, updated_by: by, updated_at: chTime(at), version: at }],
  });
}
