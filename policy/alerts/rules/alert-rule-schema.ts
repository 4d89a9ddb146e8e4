import { z } from 'zod';
import { isUsableTimeZone } from '../detect/level-day.ts';
import { durationMs } from './duration.ts';
import { aggregations, alertDimensions, alertMetricNames, alertMetrics } from './alert-metrics.ts';

const ruleName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use 1–64 lowercase letters, digits, dash, underscore');

/** A fixed line: breaching while the value is above (`>`) or below (`<`) `threshold`. */
const staticCondition = z.strictObject({
  type: z.literal('static'),
  op: z.enum(['>', '<']).default('>'),
  threshold: z.number().finite(),
});

/**
 * Upward anomaly against a baseline: the same window, `baseline.every` apart, `baseline.count`
 * times before the current one (`every: 1d, count: 7` = the same hour of the last 7 days;
 * `every: 1h, count: 24` = the trailing day). Threshold =
 * max(centre + sensitivity × σ, centre × min_ratio, centre + min_delta), where centre and σ are
 * the median and 1.4826 × MAD (or mean and standard deviation). With `peers`, the group's growth
 * (value / its baseline centre) must also sit above the Tukey fence Q3 + fence × IQR of the
 * growth of the other groups sharing its `peers.by` value: it grew alone, not with its team.
 */
const anomalyCondition = z.strictObject({
  type: z.literal('anomaly'),
  baseline: z
    .strictObject({ every: durationMs.default(86_400_000), count: z.number().int().min(3).max(200).default(7) })
    .default({ every: 86_400_000, count: 7 }),
  statistic: z.enum(['median', 'mean']).default('median'),
  sensitivity: z.number().nonnegative().default(4),
  /** z of the sampling band (Anscombe): how improbable, in sigmas, a count must be under the baseline. */
  noise_z: z.number().nonnegative().default(4),
  min_ratio: z.number().min(1).default(1.5),
  min_delta: z.number().nonnegative().default(0),
  peers: z.strictObject({ by: z.enum(alertDimensions), fence: z.number().positive().default(3), min_peers: z.number().int().min(2).default(3) }).optional(),
  /** Also above min_ratio × the same window one week earlier, so weekly seasonality (Monday peaks) is not news. */
  weekly: z.boolean().default(false),
  /**
   * `up` (default) watches for a rise; `down` for a fall (a parity rate dropping): the threshold
   * becomes min(centre − sensitivity × σ, centre ÷ min_ratio, centre − min_delta, sampling) and
   * the ratio threshold ÷ value.
   */
  direction: z.enum(['up', 'down']).default('up'),
  /**
   * Seasonal level: rescale each baseline window by today's level against its day's — the value
   * over this span before today's window ÷ the same span before that baseline window, clamped to
   * [⅓, 3] — so a Monday peak, weekends and a holiday dip move the line with them. Unset: none.
   */
  level_span: durationMs.optional(),
  /**
   * The team's IANA time zone: the level span never reaches back past midnight in it, so just
   * after midnight on Monday today's level is Monday's, not Sunday evening's (see window-plan.ts).
   */
  time_zone: z.string().default('UTC').refine(isUsableTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
});

/**
 * The budget engine's events (budget_events_v1) as alerts: every threshold crossing
 * (`budget_consumption`) or "forecast exceeds the limit" (`budget_forecast`) in a current period
 * is one alert, labelled by budget, subject, period and threshold; it resolves when its period ends.
 */
const budgetEventCondition = z.strictObject({ type: z.literal('budget_event') });

export const alertRuleSchema = z
  .strictObject({
    name: ruleName,
    description: z.string().max(500).default(''),
    metric: z.enum(alertMetricNames),
    aggregation: z.enum(aggregations).default('sum'),
    window: durationMs.pipe(z.number().int().min(60_000, 'window must be at least 1m (rollups are per minute)')),
    filters: z.partialRecord(z.enum(alertDimensions), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
    group_by: z.array(z.enum(alertDimensions)).default([]),
    condition: z.discriminatedUnion('type', [staticCondition, anomalyCondition, budgetEventCondition]),
    /** Below this many requests/attempts in the window the rule cannot fire (too little evidence). */
    min_volume: z.number().int().nonnegative().default(0),
    /** How long a breach must last before the alert fires. */
    pending: durationMs.default(0),
    /** How long a firing alert's ratio must stay below 95 % before it resolves (flapping guard). */
    keep_firing_for: durationMs.default(0),
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    /**
     * Notify when the alert fires, never repeat it and send no resolved notice: for events
     * (a budget threshold crossed) that are news once and have nothing to resolve.
     */
    notify_once: z.boolean().default(false),
    /** Receivers for this rule; unset: the route's receivers. */
    notify: z.array(z.string()).optional(),
    enabled: z.boolean().default(true),
  })
  .superRefine((rule, ctx) => {
    const spec = alertMetrics[rule.metric];
    if (rule.window % 60_000 !== 0) ctx.addIssue({ code: 'custom', path: ['window'], message: 'window must be whole minutes (rollups are per minute)' });
    if (spec.kind !== 'additive' && rule.aggregation !== 'sum') {
      ctx.addIssue({
        code: 'custom',
        path: ['aggregation'],
        message: `${rule.metric} is a ${spec.kind}; aggregation applies to spend_usd, tokens and requests only`,
      });
    }
    rule.group_by.forEach((d, i) => {
      if (!(spec.dimensions as readonly string[]).includes(d))
        ctx.addIssue({ code: 'custom', path: ['group_by', i], message: `${rule.metric} cannot be grouped by ${d}; use ${spec.dimensions.join(', ')}` });
    });
    for (const d of Object.keys(rule.filters)) {
      if (!(spec.dimensions as readonly string[]).includes(d))
        ctx.addIssue({ code: 'custom', path: ['filters', d], message: `${rule.metric} cannot be filtered by ${d}; use ${spec.dimensions.join(', ')}` });
    }
    const c = rule.condition;
    if (c.type === 'budget_event' && spec.source !== 'budget')
      ctx.addIssue({ code: 'custom', path: ['condition', 'type'], message: 'budget_event applies to budget_consumption and budget_forecast only' });
    if (c.type === 'anomaly' && c.peers && !rule.group_by.includes(c.peers.by)) {
      ctx.addIssue({ code: 'custom', path: ['condition', 'peers', 'by'], message: `group_by must include "${c.peers.by}" to compare peers within it` });
    }
    if (c.type === 'anomaly' && c.baseline.every < rule.window) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition', 'baseline', 'every'],
        message: 'baseline.every must be at least the window, so baseline windows never overlap the current one',
      });
    }
    if (c.type === 'anomaly' && c.weekly && (604_800_000 % c.baseline.every !== 0 || 604_800_000 / c.baseline.every > c.baseline.count)) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition', 'weekly'],
        message: 'weekly needs a baseline window exactly 7 days back: baseline.every must divide 7d within baseline.count',
      });
    }
    if (c.type === 'anomaly' && c.level_span !== undefined && (c.level_span % 60_000 !== 0 || c.level_span < 60_000 || spec.kind !== 'additive')) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition', 'level_span'],
        message: 'level_span must be whole minutes, and applies to spend_usd, tokens and requests only',
      });
    }
    if (c.type === 'anomaly' && c.baseline.every % 60_000 !== 0) {
      ctx.addIssue({ code: 'custom', path: ['condition', 'baseline', 'every'], message: 'baseline.every must be whole minutes' });
    }
  });

/** A validated alert rule; durations are ms. */
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type AlertCondition = AlertRule['condition'];
export type AnomalyCondition = Extract<AlertCondition, { type: 'anomaly' }>;
export type StaticCondition = Extract<AlertCondition, { type: 'static' }>;
