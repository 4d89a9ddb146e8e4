/**
 * The `$__…` macros of the official ClickHouse datasource (`grafana-clickhouse-datasource`,
 * pinned in `provisioning/` at PLUGIN_VERSION), expanded the way its backend expands them
 * (pkg/macros/macros.go of that release): seconds-precision `toDateTime(<unix s>)`,
 * millisecond `fromUnixTimestamp64Milli(<unix ms>)`, dates `toDate('YYYY-MM-DD')`, intervals at
 * least one second. Tests run every panel's SQL through this before executing it on chDB, so a
 * panel that only works with a hand-written time filter fails here as it would in Grafana.
 */

/** The datasource plugin release our panels and provisioning are written against. */
export const PLUGIN_ID = 'grafana-clickhouse-datasource';
export const PLUGIN_VERSION = '4.20.0';

/** The panel's query context: Grafana's time picker range and the computed interval. */
export interface MacroContext {
  fromMs: number;
  toMs: number;
  /** Grafana's `$__interval` in milliseconds (range / max data points, rounded). */
  intervalMs: number;
}

type Macro = (ctx: MacroContext, args: string[]) => string;

const unix = (ms: number) => Math.floor(ms / 1000);
const dateTime = (ms: number) => `toDateTime(${unix(ms)})`;
const dateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;
const date = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
const intervalSeconds = (ctx: MacroContext) => Math.trunc(Math.max(ctx.intervalMs / 1000, 1));

function arity(name: string, n: number, args: string[]): void {
  if (args.length !== n) throw new MacroError(`$__${name}: expected ${n} argument(s), received ${args.length}`);
}

function range(name: string, fmt: (ms: number) => string): Macro {
  return (ctx, args) => {
    arity(name, 1, args);
    const col = args[0]!;
    return `${col} >= ${fmt(ctx.fromMs)} AND ${col} <= ${fmt(ctx.toMs)}`;
  };
}

const dateTimeFilter: Macro = (ctx, args) => {
  arity('dateTimeFilter', 2, args);
  const [d, t] = args as [string, string];
  return `(${d} >= ${date(ctx.fromMs)} AND ${d} <= ${date(ctx.toMs)}) AND (${t} >= ${dateTime(ctx.fromMs)} AND ${t} <= ${dateTime(ctx.toMs)})`;
};

/** Go duration strings as `$__timeGroup(col, 5m)` accepts them: h, m, s, ms. */
function goDurationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new MacroError(`$__timeGroup: invalid interval "${text}"`);
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001 } as const;
  return Math.round(parts.reduce((s, p) => s + Number(p[1]) * unit[p[2] as keyof typeof unit], 0));
}

const macros: Record<string, Macro> = {
  fromTime: (ctx) => dateTime(ctx.fromMs),
  toTime: (ctx) => dateTime(ctx.toMs),
  fromTime_ms: (ctx) => dateTime64(ctx.fromMs),
  toTime_ms: (ctx) => dateTime64(ctx.toMs),
  timeFilter: range('timeFilter', dateTime),
  timeFilter_ms: range('timeFilter_ms', dateTime64),
  dateFilter: range('dateFilter', date),
  dateTimeFilter,
  dt: dateTimeFilter,
  timeFrom: (ctx, args) => (arity('timeFrom', 1, args), `${args[0]} >= ${dateTime(ctx.fromMs)}`),
  timeTo: (ctx, args) => (arity('timeTo', 1, args), `${args[0]} <= ${dateTime(ctx.toMs)}`),
  timeInterval: (ctx, args) => (arity('timeInterval', 1, args), `toStartOfInterval(toDateTime(${args[0]}), INTERVAL ${intervalSeconds(ctx)} second)`),
  timeInterval_ms: (ctx, args) => (
    arity('timeInterval_ms', 1, args),
    `toStartOfInterval(toDateTime64(${args[0]}, 3), INTERVAL ${Math.trunc(Math.max(ctx.intervalMs, 1))} millisecond)`
  ),
  timeGroup: (_ctx, args) => {
    arity('timeGroup', 2, args);
    const secs = goDurationSeconds(args[1]!.replace(/^['"]|['"]$/g, ''));
    if (secs <= 0) throw new MacroError(`$__timeGroup: interval must be positive, got "${args[1]}"`);
    return `toStartOfInterval(toDateTime(${args[0]}), INTERVAL ${secs} second)`;
  },
  interval_s: (ctx) => String(intervalSeconds(ctx)),
};

/** A macro used with the wrong arguments; Grafana shows the same as a panel error. */
export class MacroError extends Error {}

/** Splits `a, f(b, c), 'x,y'` at top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote && sql[i - 1] !== '\\') quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Expands every known `$__name` / `$__name(args)` macro in `sql`; unknown macros stay as they
 * are (as in the plugin). Longest names win, so `$__timeFilter_ms` is not read as `$__timeFilter`.
 * @throws MacroError on wrong arity or a bad `$__timeGroup` interval.
 */
export function expandMacros(sql: string, ctx: MacroContext): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const at = sql.indexOf('$__', i);
    if (at < 0) break;
    const name = /^\$__(\w+)/.exec(sql.slice(at))![1]!;
    const macro = macros[name];
    if (!macro) {
      out += sql.slice(i, at + 3 + name.length);
      i = at + 3 + name.length;
      continue;
    }
    let end = at + 3 + name.length;
    let args: string[] = [];
    if (sql[end] === '(') {
      const close = closingParen(sql, end);
      if (close < 0) throw new MacroError(`$__${name}: missing ")"`);
      args = splitArgs(sql.slice(end + 1, close));
      end = close + 1;
    }
    out += sql.slice(i, at) + macro(ctx, args);
    i = end;
  }
  return out + sql.slice(i);
}
