import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { alertRuleSchema, type AlertRule } from '../../../policy/alerts/rules/alert-rule-schema.ts';
import { defaultRules, detectorNames } from '../../../policy/alerts/rules/default-rules.ts';
import { alertMetricNames } from '../../../policy/alerts/rules/alert-metrics.ts';
import { readStoredRules, writeRule } from '../../../policy/alerts/store/rule-store.ts';

export const alertRulesTypeDefs = /* GraphQL */ `
  """
  What a rule watches (docs/alerts.md): traffic rollups (spend_usd … p99_ttft_ms), parity
  (parity_rate, shadow_match_rate: docs/parity.md), budgets (budget_consumption, budget_forecast:
  spent or forecast over the limit) and routing (deployment_weight: the policy engine's weight).
  """
  enum AlertMetric { ${alertMetricNames.join(' ')} }

  type AlertRule {
    name: ID!
    "builtin (a default detector) or api (created here). Rules in the routes file are read by the policy process only."
    source: String!
    enabled: Boolean!
    metric: AlertMetric!
    severity: String!
    description: String!
    "The rule as JSON, durations in ms: the same shape the routes file's alerts.rules take."
    definition: String!
    updatedBy: String
    updatedAt: DateTime
  }

  extend type Query {
    "The built-in detectors and the rules created through the API."
    alertRules: [AlertRule!]!
  }

  extend type Mutation {
    "Creates a rule from its JSON definition (the routes file's shape: durations like \\"5m\\"); audit-logged."
    createAlertRule(definition: String!): AlertRule!
    "Replaces a rule created through the API; audit-logged."
    updateAlertRule(name: ID!, definition: String!): AlertRule!
    "Deletes a rule created through the API; its firing alerts resolve at the next evaluation. Audit-logged."
    deleteAlertRule(name: ID!): Boolean!
  }
`;

const view = (rule: AlertRule, source: 'builtin' | 'api', updatedBy: string | null = null, updatedAt: number | null = null) => ({
  name: rule.name,
  source,
  enabled: rule.enabled,
  metric: rule.metric,
  severity: rule.severity,
  description: rule.description,
  definition: JSON.stringify(rule),
  updatedBy,
  updatedAt: updatedAt === null ? null : new Date(updatedAt),
});

/** Parses and validates a definition; every problem is a BAD_USER_INPUT naming the key. */
function parseDefinition(text: string, name?: string): AlertRule {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw badInput('definition', `is not JSON: ${(err as Error).message}`);
  }
  if (name !== undefined && data && typeof data === 'object') data = { ...(data as object), name };
  const parsed = alertRuleSchema.safeParse(data);
  if (!parsed.success) throw badInput('definition', parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  if ((detectorNames as readonly string[]).includes(parsed.data.name))
    throw badInput('definition', `name "${parsed.data.name}" belongs to a built-in detector; switch it off in the routes file instead`);
  return parsed.data;
}

export const alertRules: RootField<Record<string, never>> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (_args, ctx) => [
    ...defaultRules().map((r) => view(r, 'builtin')),
    ...(await readStoredRules((q, p) => ctx.store.rows(q, p))).map((s) => view(s.rule, 'api', s.updatedBy, s.updatedAt)),
  ],
};

export const createAlertRule: RootField<{ definition: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const rule = parseDefinition(args.definition);
    const existing = await readStoredRules((q, p) => ctx.store.rows(q, p));
    if (existing.some((s) => s.rule.name === rule.name)) throw badInput('definition', `a rule "${rule.name}" exists; use updateAlertRule`);
    const now = ctx.clock.now();
    await writeRule(ctx.store.client, rule.name, rule, grant.principal.id, now);
    return view(rule, 'api', grant.principal.id, now);
  },
};

export const updateAlertRule: RootField<{ name: string; definition: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const existing = await readStoredRules((q, p) => ctx.store.rows(q, p));
    if (!existing.some((s) => s.rule.name === args.name)) throw badInput('name', `no rule "${args.name}" was created through the API`);
    const rule = parseDefinition(args.definition, args.name);
    const now = ctx.clock.now();
    await writeRule(ctx.store.client, rule.name, rule, grant.principal.id, now);
    return view(rule, 'api', grant.principal.id, now);
  },
};

export const deleteAlertRule: RootField<{ name: string }> = {
  access: { roles: ['operator'] },
  resolve: async (args, ctx, grant) => {
    const existing = await readStoredRules((q, p) => ctx.store.rows(q, p));
    if (!existing.some((s) => s.rule.name === args.name)) throw badInput('name', `no rule "${args.name}" was created through the API`);
    await writeRule(ctx.store.client, args.name, null, grant.principal.id, ctx.clock.now());
    return true;
  },
};
