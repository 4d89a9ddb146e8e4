import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../core/errors.ts';
import { routeStrategies } from '../routing/route-strategy.ts';
import { tiers } from '../routing/tiers.ts';
import { redactionKinds } from '../privacy/redact.ts';
import { craftConfigSchema, sloConfigSchema, trustConfigSchema } from '../../policy/route-policy-config.ts';
import { calendarBudgetSchema, checkCalendarBudgets } from '../budget/budget-definition.ts';
import { checkParityConfig, parityRouteSchema } from '../parity/parity-config.ts';

const decimalString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d+(\.\d{1,6})?$/, 'must be a non-negative decimal with at most 6 decimals'));

/** Negotiated prices in USD per million tokens; they replace the catalog for this deployment. */
const priceOverrideSchema = z.strictObject({
  input_per_mtok: decimalString,
  output_per_mtok: decimalString,
  cached_input_per_mtok: decimalString.optional(),
  cache_write_per_mtok: decimalString.optional(),
  /** 1-hour cache writes (Anthropic `ttl: "1h"`); default 2× input on Anthropic, else cache_write_per_mtok. */
  cache_write_1h_per_mtok: decimalString.optional(),
});

const deploymentSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'use letters, digits, dot, dash, underscore'),
  provider: z.enum(['openai', 'anthropic', 'gemini', 'openai-compatible']),
  base_url: z.url(),
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name'),
  model: z.string().min(1),
  weight: z.number().nonnegative().default(1),
  region: z.string().default(''),
  price: priceOverrideSchema.optional(),
  tier: z.enum(tiers).default('standard'),
  /** What the deployment can do; requests that need more are never routed to it. */
  capabilities: z
    .strictObject({
      tools: z.boolean().default(true),
      vision: z.boolean().default(true),
      json_mode: z.boolean().default(true),
      /** Prompt plus output tokens the model accepts; unset means not checked. */
      context_window: z.number().int().positive().optional(),
      /** The model reasons (takes reasoning_effort / thinking); unset: told by its name (routing/capabilities.ts). */
      reasoning: z.boolean().optional(),
    })
    .default({ tools: true, vision: true, json_mode: true }),
  /** Contract terms for the policy's Trust factor (docs/policy.md); unset means unknown terms. */
  trust: trustConfigSchema.optional(),
});

const tieringSchema = z.strictObject({
  short_prompt_tokens: z.number().int().min(0).default(200),
  long_prompt_tokens: z.number().int().min(1).default(4000),
  fallback: z.enum(['up_then_down', 'down_then_up', 'none']).default('up_then_down'),
});

/** Hedging for latency-critical routes: a second attempt on another deployment when the first is slow. */
const hedgeSchema = z.strictObject({
  /** Fixed delay before the second attempt; unset means the route's recent latency percentile. */
  delay_ms: z.number().int().min(1).optional(),
  percentile: z.number().min(50).max(99.9).default(95),
  /** Until the route has this many latency samples, hedge after initial_delay_ms. */
  min_samples: z.number().int().min(1).default(20),
  initial_delay_ms: z.number().int().min(1).default(1000),
  min_delay_ms: z.number().int().min(1).default(10),
});

const routeSchema = z.strictObject({
  /** The `model` value clients send. */
  name: z.string().min(1),
  /** weighted (policy weights), priority (config order), cost (cheapest first), latency (fastest recent first). */
  strategy: z.enum(routeStrategies).default('weighted'),
  /** How requests pick a tier when the route's deployments span several. */
  tiering: tieringSchema.default(tieringSchema.parse({})),
  hedge: hedgeSchema.optional(),
  /** Opt in to storing prompt and completion text on the final attempt event, redacted. */
  store_content: z
    .strictObject({
      redact: z.array(z.enum(redactionKinds)).default([...redactionKinds]),
      max_chars: z.number().int().min(100).max(1_000_000).default(32_768),
    })
    .optional(),
  /** When every deployment fails, answer an identical earlier request from this cache. */
  degradation: z.strictObject({ cache_ttl_ms: z.number().int().min(1000).default(600_000) }).optional(),
  /**
   * A content-filter outcome (a blocked prompt, a refusal before any answer) may be retried on the
   * next deployment only when the route says so: off by default, because sending a prompt one
   * provider refused to another is a policy decision, not a reliability one.
   */
  content_filter_failover: z.boolean().default(false),
  /** Goodput SLO for reports (docs/policy.md). */
  slo: sloConfigSchema.optional(),
  /** CRAFT factor weights for this route's routing weights (docs/policy.md); unset: balanced. */
  craft: craftConfigSchema.optional(),
  /** Contract checks: failover on a broken contract, shadow traffic to an alternate (docs/parity.md). */
  parity: parityRouteSchema.optional(),
  /** x-switchyard-budget-* response headers on this route; unset: budgets.headers decides. */
  budget_headers: z.boolean().optional(),
  deployments: z.array(deploymentSchema).min(1, 'a route needs at least one deployment'),
});

const retrySchema = z.strictObject({
  max_attempts: z.number().int().min(1).max(10).default(3),
  base_delay_ms: z.number().int().min(0).default(50),
  max_delay_ms: z.number().int().min(0).default(2000),
  attempt_timeout_ms: z.number().int().min(100).default(30_000),
  request_timeout_ms: z.number().int().min(100).default(120_000),
});

/** Retries may use at most this share of recent traffic (plus a floor), so outages cannot become retry storms. */
const retryBudgetSchema = z.strictObject({
  ratio: z.number().min(0).max(1).default(0.2),
  /** 10 a second over the default window: enough for a 1-of-3 outage at low traffic. */
  min_per_window: z.number().int().min(0).default(100),
  window_ms: z.number().int().min(1000).default(10_000),
});

/** Per-deployment circuit breaker: failure share over a sampling window, then cool-down and one probe. */
const circuitBreakerSchema = z.strictObject({
  failure_threshold: z.number().gt(0).lt(1).default(0.5),
  window_ms: z.number().int().min(100).default(10_000),
  /** The window must see at least minimum_rps × window seconds calls before it can open. */
  minimum_rps: z.number().positive().default(1),
  half_open_after_ms: z.number().int().min(10).default(5_000),
});

/** A client key Switchyard issues; only its SHA-256 is configured, never the key. */
const virtualKeySchema = z.strictObject({
  /** Recorded as tags.api_key_id. */
  id: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, dash, underscore'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the key (switchyard hash-key)'),
  team: z.string().max(128).default(''),
  project: z.string().max(128).default(''),
  user: z.string().max(256).default(''),
  environment: z.string().max(64).default(''),
  /** Routes this key may call; absent means all. */
  routes: z.array(z.string().min(1)).optional(),
  /** Data residency: deployments whose region is not listed are never used for this key. */
  regions: z.array(z.string()).optional(),
  /** Upper bound on max_tokens; requests without one get this. */
  max_tokens: z.number().int().positive().optional(),
  max_request_bytes: z.number().int().positive().optional(),
});

const usdAmount = z.number().positive('must be a positive amount of USD');

/**
 * A spend limit as a cost-aware token bucket: `limit_usd` per `per` sustained, up to
 * `burst_usd` at once. `id: "*"` gives every distinct key/team/project its own bucket.
 */
const budgetLimitSchema = z.strictObject({
  scope: z.enum(['key', 'team', 'project']),
  id: z.string().min(1).max(128),
  limit_usd: usdAmount,
  per: z.enum(['minute', 'hour', 'day']),
  burst_usd: usdAmount.optional(),
  /** reject: 429 with Retry-After; delay: wait up to max_delay_ms for budget; downgrade: a cheaper deployment that fits. */
  on_exhausted: z.enum(['reject', 'delay', 'downgrade']).default('reject'),
  max_delay_ms: z.number().int().min(0).max(60_000).default(2000),
});

const budgetsSchema = z.strictObject({
  /** Requests without max_tokens get this under a budget, so their worst case is bounded. */
  default_max_tokens: z.number().int().positive().default(4096),
  limits: z.array(budgetLimitSchema).default([]),
  /** Calendar budgets (day/week/month in a time zone), held across replicas by leases: docs/budgets.md. */
  calendar: z.array(calendarBudgetSchema).optional(),
  /** Answer with x-switchyard-budget-* headers (the tightest enclosing budget's remainder); off when unset; a route's budget_headers overrides. */
  headers: z.boolean().optional(),
});

export const routesConfigSchema = z
  .strictObject({
    /** Client keys. When any are configured, every request must present one of them. */
    keys: z.array(virtualKeySchema).default([]),
    routes: z.array(routeSchema).min(1, 'configure at least one route'),
    retry: retrySchema.default(retrySchema.parse({})),
    retry_budget: retryBudgetSchema.default(retryBudgetSchema.parse({})),
    circuit_breaker: circuitBreakerSchema.default(circuitBreakerSchema.parse({})),
    budgets: budgetsSchema.default(budgetsSchema.parse({})),
    /** Prices for models the catalog does not know and no deployment override covers. */
    default_price: priceOverrideSchema.optional(),
    /** Alert rules and receivers: validated by policy/alerts/rules/alerts-config.ts, which the policy service reads. */
    alerts: z.unknown().optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    const keyIds = new Set<string>();
    config.keys.forEach((key, i) => {
      if (keyIds.has(key.id)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'id'], message: `duplicate key id "${key.id}"` });
      keyIds.add(key.id);
      for (const [j, r] of (key.routes ?? []).entries()) {
        if (!config.routes.some((route) => route.name === r))
          ctx.addIssue({ code: 'custom', path: ['keys', i, 'routes', j], message: `no route named "${r}"` });
      }
    });
    config.budgets.limits.forEach((limit, i) => {
      if (limit.burst_usd !== undefined && limit.burst_usd < limit.limit_usd / 1000) {
        ctx.addIssue({
          code: 'custom',
          path: ['budgets', 'limits', i, 'burst_usd'],
          message: 'burst_usd is too small to admit any request; leave it out to use limit_usd',
        });
      }
    });
    checkCalendarBudgets(config.budgets.calendar ?? [], ['budgets', 'calendar'], ctx);
    config.routes.forEach((route, i) => {
      if (seen.has(route.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `duplicate route "${route.name}"` });
      seen.add(route.name);
      checkParityConfig(route, ['routes', i], ctx);
      const names = new Set<string>();
      route.deployments.forEach((d, j) => {
        if (names.has(d.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'deployments', j, 'name'], message: `duplicate deployment "${d.name}"` });
        names.add(d.name);
      });
    });
  });

export type RoutesConfig = z.infer<typeof routesConfigSchema>;
export type RouteConfig = RoutesConfig['routes'][number];
export type DeploymentConfig = RouteConfig['deployments'][number];
export type RetryConfig = RoutesConfig['retry'];
export type RetryBudgetConfig = RoutesConfig['retry_budget'];
export type VirtualKeyConfig = RoutesConfig['keys'][number];
export type CircuitBreakerConfig = RoutesConfig['circuit_breaker'];
export type PriceOverride = z.infer<typeof priceOverrideSchema>;
export type HedgeConfig = z.infer<typeof hedgeSchema>;
export type BudgetsConfig = RoutesConfig['budgets'];
export type BudgetLimitConfig = BudgetsConfig['limits'][number];

export function parseRoutesConfig(input: unknown, origin = 'routes config'): RoutesConfig {
  const result = routesConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`${origin} is invalid:\n${describeIssues(result.error.issues)}`);
  return result.data;
}

/** Reads a YAML or JSON routes file; every error names the file and the offending key. */
export function loadRoutesConfig(path: string): RoutesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read routes config ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`routes config ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseRoutesConfig(data, `routes config ${path}`);
}
