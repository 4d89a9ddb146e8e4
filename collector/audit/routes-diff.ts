import type { RoutesConfig } from '../config/routes-config.ts';

/** One changed thing: its id and, per changed field, [before, after]. */
export interface Changed {
  id: string;
  fields: Record<string, [unknown, unknown]>;
}

export interface ListDiff {
  added: string[];
  removed: string[];
  changed: Changed[];
}

/**
 * What a routes reload changed. Deployments are `route/deployment`; their model, provider,
 * weight, region, tier, price and capabilities are compared. Budgets are `limit:<scope>:<id>:<per>`
 * and `calendar:<id>`. Keys by id only: a key's hash is never compared or shown, so a rotated
 * key shows as `changed` with the field `sha256: ["[redacted]", "[redacted]"]`.
 */
export interface RoutesDiff {
  routes: ListDiff;
  deployments: ListDiff;
  budgets: ListDiff;
  keys: ListDiff;
}

/** The structured diff between two routes configs; pure. */
export function diffRoutes(before: RoutesConfig, after: RoutesConfig): RoutesDiff {
  return {
    routes: diffById(
      index(before.routes, (r) => r.name, routeFields),
      index(after.routes, (r) => r.name, routeFields),
    ),
    deployments: diffById(deploymentsOf(before), deploymentsOf(after)),
    budgets: diffById(budgetsOf(before), budgetsOf(after)),
    keys: diffById(keysOf(before), keysOf(after)),
  };
}

/** True when nothing of substance changed (a touched file). */
export function isEmptyDiff(d: RoutesDiff): boolean {
  return Object.values(d).every((l) => l.added.length + l.removed.length + l.changed.length === 0);
}

type Fields = Record<string, unknown>;

const routeFields = (r: RoutesConfig['routes'][number]): Fields => ({
  strategy: r.strategy,
  hedge: r.hedge ?? null,
  slo: r.slo ?? null,
  craft: r.craft ?? null,
  parity: r.parity ?? null,
  degradation: r.degradation ?? null,
  content_filter_failover: r.content_filter_failover,
  store_content: r.store_content ?? null,
});

function deploymentsOf(c: RoutesConfig): Map<string, Fields> {
  return new Map(
    c.routes.flatMap((r) =>
      r.deployments.map(
        (d) =>
          [
            `${r.name}/${d.name}`,
            {
              provider: d.provider,
              model: d.model,
              weight: d.weight,
              region: d.region,
              tier: d.tier,
              base_url: withoutCredentials(d.base_url),
              price: d.price ?? null,
              capabilities: d.capabilities,
            },
          ] as const,
      ),
    ),
  );
}

function budgetsOf(c: RoutesConfig): Map<string, Fields> {
  const limits = c.budgets.limits.map((l): [string, Fields] => [
    `limit:${l.scope}:${l.id}:${l.per}`,
    { limit_usd: l.limit_usd, burst_usd: l.burst_usd ?? null, on_exhausted: l.on_exhausted },
  ]);
  const calendar = (c.budgets.calendar ?? []).map((b): [string, Fields] => [`calendar:${b.id}`, { ...b }]);
  return new Map([...limits, ...calendar]);
}

function keysOf(c: RoutesConfig): Map<string, Fields> {
  return new Map(
    c.keys.map(
      (k) =>
        [
          k.id,
          { team: k.team, project: k.project, routes: k.routes ?? null, regions: k.regions ?? null, max_tokens: k.max_tokens ?? null, sha256: k.sha256 },
        ] as const,
    ),
  );
}

function index<T>(items: T[], id: (t: T) => string, fields: (t: T) => Fields): Map<string, Fields> {
  return new Map(items.map((t) => [id(t), fields(t)]));
}

function diffById(before: Map<string, Fields>, after: Map<string, Fields>): ListDiff {
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed: Changed[] = [];
  for (const [id, next] of after) {
    const prev = before.get(id);
    if (!prev) continue;
    const fields: Changed['fields'] = {};
    for (const name of new Set([...Object.keys(prev), ...Object.keys(next)])) {
      if (JSON.stringify(prev[name]) === JSON.stringify(next[name])) continue;
      // A key's hash identifies the key: record that it changed, never the value.
      fields[name] = name === 'sha256' ? ['[redacted]', '[redacted]'] : [prev[name] ?? null, next[name] ?? null];
    }
    if (Object.keys(fields).length) changed.push({ id, fields });
  }
  return { added, removed, changed: changed.sort((a, b) => a.id.localeCompare(b.id)) };
}

/** A base URL as the audit shows it: no user info, no query (some hosts take a key there). */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?[redacted]' : ''}`;
}
