import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../../core/errors.ts';
import { alertRuleSchema } from './alert-rule-schema.ts';
import { detectorNames } from './default-rules.ts';
import { durationMs } from './duration.ts';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (the URL or secret itself never goes in the file)');
const receiverName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use lowercase letters, digits, dash, underscore');

/** Slack incoming webhook; the URL is a credential, so only the variable holding it is configured. */
const slackReceiver = z.strictObject({ name: receiverName, type: z.literal('slack'), url_env: envName, send_resolved: z.boolean().default(true) });

/** Any HTTPS endpoint, signed after the Standard Webhooks specification with the secret in `secret_env`. */
const webhookReceiver = z.strictObject({
  name: receiverName,
  type: z.literal('webhook'),
  url_env: envName,
  secret_env: envName,
  send_resolved: z.boolean().default(true),
});

/** Alertmanager's grouping and timing, applied per receiver. */
const routeSchema = z.strictObject({
  receivers: z.array(receiverName).default([]),
  /**
   * Alert labels that make a group: alertname, severity and the rules' group_by dimensions.
   * The default gives one message per team's spend problem, one per route's reliability
   * problem (a demoted deployment included) and one per budget, however many detectors see it.
   */
  group_by: z.array(z.string().min(1)).default(['team', 'route', 'budget']),
  group_wait: durationMs.default(30_000),
  group_interval: durationMs.default(300_000),
  repeat_interval: durationMs.default(4 * 3_600_000),
  /**
   * A group due while one of its alerts is pending waits for it this long at most, so detectors
   * that see one incident a minute apart make one notice, not a notice and a "changed" one.
   */
  pending_hold: durationMs.default(120_000),
  /**
   * An alert that starts firing within this long after its group's last notice, while that
   * notice's alerts still fire, belongs to the incident already told (a 429 storm's failovers a
   * minute later): it rides with the group's next notice (all clear, repeat or a later change)
   * instead of a "changed" message of its own — unless it is more severe than every alert the
   * receiver knows firing. 0: Alertmanager's behaviour (every new alert is a change).
   */
  incident_settle: durationMs.default(600_000),
  /**
   * With a receiver's send_resolved: also notify when part of a group resolves while the rest
   * still fires (Alertmanager's behaviour). Off: one resolved notice, when the whole group has.
   */
  partial_resolved: z.boolean().default(false),
});

export const alertsConfigSchema = z
  .strictObject({
    rules: z.array(alertRuleSchema).default([]),
    receivers: z.array(z.discriminatedUnion('type', [slackReceiver, webhookReceiver])).default([]),
    route: routeSchema.default(routeSchema.parse({})),
    /** Built-in detectors, all on unless set to false here. */
    detectors: z.partialRecord(z.enum(detectorNames), z.boolean()).default({}),
    /** Base URL of the dashboard linked from every notification. */
    dashboard_url: z.url().default('http://127.0.0.1:3000/d/switchyard'),
    evaluation_interval: durationMs.pipe(z.number().min(10_000, 'evaluate at most every 10s')).default(60_000),
  })
  .superRefine((config, ctx) => {
    const receivers = new Set<string>();
    config.receivers.forEach((r, i) => {
      if (receivers.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver "${r.name}"` });
      receivers.add(r.name);
    });
    const rules = new Set<string>(detectorNames);
    config.rules.forEach((rule, i) => {
      if (rules.has(rule.name))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule "${rule.name}" (built-in detectors use their names too)` });
      rules.add(rule.name);
      (rule.notify ?? []).forEach((n, j) => {
        if (!receivers.has(n)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'notify', j], message: `no receiver named "${n}"` });
      });
    });
    config.route.receivers.forEach((n, j) => {
      if (!receivers.has(n)) ctx.addIssue({ code: 'custom', path: ['route', 'receivers', j], message: `no receiver named "${n}"` });
    });
  });

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type ReceiverConfig = AlertsConfig['receivers'][number];
export type AlertRouteConfig = AlertsConfig['route'];

/** Validates the `alerts:` section; every error names the key as `alerts.<path>`. */
export function parseAlertsConfig(input: unknown, origin = 'alerts config'): AlertsConfig {
  const result = alertsConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ ...i, path: ['alerts', ...i.path] }));
    throw new ConfigError(`${origin} is invalid:\n${describeIssues(issues)}`);
  }
  return result.data;
}

/** Reads the `alerts:` section of the routes file (YAML or JSON); an absent section means the defaults. */
export function loadAlertsConfig(path: string | undefined): AlertsConfig {
  if (!path) return parseAlertsConfig({});
  let data: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`cannot read the alerts section of ${path}: ${(err as Error).message}`);
  }
  const section = data && typeof data === 'object' ? (data as Record<string, unknown>).alerts : undefined;
  return parseAlertsConfig(section, `routes config ${path}`);
}
