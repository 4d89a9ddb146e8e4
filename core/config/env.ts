import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../errors.ts';
import { ATTEMPT_TOPIC } from '../events/attempt-event.ts';

/**
 * A variable's text as a number when it is written in decimal digits (an optional minus sign and
 * fraction, so the schema can say what is wrong with `-1` or `1.5`); anything else stays text and
 * is refused as "expected a decimal number". `Number()` alone, what `z.coerce` uses, also read
 * `0x10` as 16, `1e3` as 1000 and ` 8080` as 8080: a port of 16 from a typo (found by a
 * fresh-user trial).
 */
const decimal = (value: unknown) => (typeof value === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value);

/** A number variable: decimal digits, then the schema's own rules. */
const envNumber = <T extends z.ZodNumber>(schema: T) => z.preprocess(decimal, schema);

const port = envNumber(z.number().int().min(0).max(65535));
const positiveMs = envNumber(z.number().int().positive());

/** Every environment variable Switchyard reads, parsed once at the edge. */
export const envSchema = z.object({
  SWITCHYARD_HOST: z.string().default('127.0.0.1'),
  SWITCHYARD_PORT: port.default(8080),
  SWITCHYARD_API_PORT: port.default(4000),
  /** /metrics, /healthz and /readyz. */
  SWITCHYARD_OPS_PORT: port.default(9464),
  /** The built-in provider simulator, when it runs (no routes file, no provider keys); 0: any free port. */
  SWITCHYARD_SIMULATOR_PORT: port.default(0),
  /** Ingest reports unhealthy when a partition has lag and no progress this long, ms. */
  SWITCHYARD_INGEST_STALL_MS: positiveMs.default(300_000),
  SWITCHYARD_DATA: z.string().default('.data'),
  /** Attempt events held in memory per process; past it they move to the disk spool under SWITCHYARD_DATA/spool. */
  SWITCHYARD_EVENTS_MEMORY_MAX: envNumber(z.number().int().min(1)).default(10_000),
  /** The disk spool's bound in bytes; when full, the collector answers new requests with 503. */
  SWITCHYARD_SPOOL_MAX_BYTES: envNumber(
    z
      .number()
      .int()
      .min(1 << 20, 'at least 1 MiB (1048576)'),
  ).default(1024 ** 3),
  /** The disk spool's bound in segment files (each holds up to 500 events). */
  SWITCHYARD_SPOOL_MAX_SEGMENTS: envNumber(z.number().int().min(1)).default(20_000),
  /** Routes file (YAML or JSON). Unset: provider keys in the environment, else simulated providers. */
  SWITCHYARD_CONFIG: z.string().optional(),
  /** GraphQL endpoint the collector polls for routing weights. */
  SWITCHYARD_API_URL: z.url().optional(),
  /** API tokens file: hashed tokens with roles and teams. Unset: open API, allowed on loopback only. */
  SWITCHYARD_API_TOKENS: z.string().optional(),
  /** Bearer token the collector sends when polling weights (a service-role token). */
  SWITCHYARD_API_TOKEN: z.string().optional(),
  SWITCHYARD_WEIGHTS_POLL_MS: positiveMs.default(2000),
  /** This collector's id for budget leases; keep it stable across restarts (default host:port). */
  SWITCHYARD_COLLECTOR_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._:-]{1,128}$/, 'use 1–128 letters, digits, . _ : -')
    .optional(),
  SWITCHYARD_POLICY_INTERVAL_MS: positiveMs.default(5000),
  SWITCHYARD_POLICY_WINDOW_MS: positiveMs.default(30_000),
  /** Days raw attempts are kept (rollups stay); unset keeps them forever. */
  SWITCHYARD_RAW_TTL_DAYS: envNumber(z.number().int().min(1)).optional(),
  /** Rows per ClickHouse insert at most. */
  SWITCHYARD_INGEST_MAX_ROWS: envNumber(z.number().int().min(1).max(1_000_000)).default(10_000),
  /** `switchyard all` without Kafka: `child` (default) runs ingest, policy, API and chDB in a child process so the collector's event loop serves requests alone; `inline` (or its old name `same`) keeps one process, for debugging. */
  SWITCHYARD_STORAGE_PROCESS: z.enum(['child', 'inline', 'same']).default('child'),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : undefined,
    )
    .pipe(
      z
        .array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port'))
        .min(1)
        .optional(),
    ),
  KAFKA_GROUP_ID: z.string().default('switchyard-ingest'),
  /** Where the collector's kafkajs producer runs: its own worker thread (default: off the request event loop) or the main thread. */
  SWITCHYARD_KAFKA_PRODUCER: z.enum(['thread', 'main']).default('thread'),
  KAFKA_TOPIC: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash, underscore')
    .default(ATTEMPT_TOPIC),
  CLICKHOUSE_URL: z.url().optional(),
  /** Run migrations ON CLUSTER with replicated engines (server mode only). */
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash, underscore')
    .optional(),
});

export type SwitchyardEnv = z.infer<typeof envSchema> & { dataDir: string };

/**
 * The environment, validated. A variable set to the empty string counts as unset (compose files
 * and shells write `VAR=` for that): `SWITCHYARD_PORT=` is the default 8080, where coercion
 * made it 0 (any free port). Throws ConfigError naming every offending variable.
 */
export function parseEnv(env: Record<string, string | undefined> = process.env): SwitchyardEnv {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(set);
  // One line, as every configuration error at the command line (README, "Exit status"): a few variables at most.
  if (!result.success)
    throw new ConfigError(
      `environment is invalid: ${describeIssues(result.error.issues.map((i) => quotingValue(i, env)))
        .split('\n')
        .map((l) => l.trim())
        .join('; ')}`,
    );
  return { ...result.data, dataDir: resolve(result.data.SWITCHYARD_DATA) };
}

/** The parts of a zod issue about a number or an enum that the wording below reads. */
interface ValueIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  /** An enum's choices. */
  values?: unknown;
}

/**
 * zod words number problems for a developer ("expected number, received NaN", "Too small:
 * expected number to be >=0", "expected int, received number"); a user setting a variable needs
 * the rule in words and what they set, to see the typo: `must be a whole number, got "1.5"`.
 * A message the schema wrote itself (e.g. "at least 1 MiB (1048576)") is kept. An enum's value
 * is worded the same way (`one of child, inline, same, got "thread"`). Only number and enum
 * variables are quoted back: a key or a URL's credentials never are. The value is cut at 40
 * characters.
 */
function quotingValue<I extends ValueIssue>(issue: I, env: Record<string, string | undefined>): I {
  const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
  if (value === undefined) return issue;
  const got = `got ${JSON.stringify(value.slice(0, 40))}`;
  const rule = numberRule(issue) ?? choiceRule(issue);
  if (rule === undefined) return issue;
  return { ...issue, message: `${rule}, ${got}` };
}

/** A variable with a fixed set of values (an enum: never a secret), its choices in words. */
function choiceRule(issue: ValueIssue): string | undefined {
  if (issue.code !== 'invalid_value' || !Array.isArray(issue.values)) return undefined;
  return `one of ${issue.values.map(String).join(', ')}`;
}

/** The rule a number issue broke, in words; undefined for an issue that is not about a number. */
function numberRule(issue: ValueIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'expected a decimal number';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number';
  if (issue.origin !== 'number') return undefined;
  const custom = !/^Too (small|big)\b/.test(issue.message);
  if (issue.code === 'too_small')
    return custom ? issue.message : issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big')
    return custom ? issue.message : issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
  return undefined;
}
