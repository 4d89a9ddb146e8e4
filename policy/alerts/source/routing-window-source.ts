import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { GroupWindows } from '../detect/evidence.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';
import { windowIndexSql, windowParams } from './window-sql.ts';
import { matchesFilters } from './memory-window-source.ts';

interface DecisionRow {
  route: string;
  deployment: string;
  w: number | string;
  weight: number;
  reason: string;
  detail: string;
  n: number | string;
}

interface DrainRow {
  route: string;
  deployment: string;
  actor: string;
  why: string;
}

/** One deployment's newest decision in a window, with its reason. */
interface Decision {
  weight: number;
  reason: string;
  detail: string;
  n: number;
}

/**
 * `deployment_weight` per window: the weight multiplier (0..1) of each (route, deployment)'s
 * newest policy decision in the window (routing_decisions_v1), with its reason as the `reason`
 * dimension. An operator drain in force at the window's end (routing_overrides_v1: newest
 * version per override, not revoked, not expired) counts at once as weight 0, reason drained,
 * before the next policy evaluation publishes it. Filters apply to the newest decision (so a
 * `reason` filter follows the deployment as it recovers); a group of several deployments takes
 * the lowest weight.
 */
export class RoutingWindowSource implements WindowSource {
  constructor(private readonly ch: ClickHouseClient) {}

  async read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    if (rule.metric !== 'deployment_weight') throw new Error(`rule ${rule.name}: ${rule.metric} is not a routing metric`);
    const endMs = windows[0]!.endMs;
    const rows = await this.query<DecisionRow>(
      `SELECT route, deployment, ${windowIndexSql('computed_at')} AS w, argMax(weight, computed_at) AS weight,
         argMax(reason, computed_at) AS reason, argMax(detail, computed_at) AS detail, count() AS n
       FROM routing_decisions_v1
       WHERE computed_at >= toDateTime({from:UInt32}, 'UTC') AND computed_at < toDateTime({to:UInt32}, 'UTC')
       GROUP BY route, deployment, w HAVING w > 0`,
      windowParams(windows),
    );
    const drains = await this.query<DrainRow>(
      `SELECT route, deployment, actor, why FROM (
         SELECT override_id, argMax(route, updated_at) AS route, argMax(deployment, updated_at) AS deployment,
           argMax(action, updated_at) AS action, argMax(actor, updated_at) AS actor, argMax(reason, updated_at) AS why,
           argMax(created_at, updated_at) AS created, argMax(expires_at, updated_at) AS expires, argMax(revoked_at, updated_at) AS revoked
         FROM routing_overrides_v1 GROUP BY override_id)
       WHERE action = 'drain' AND (revoked IS NULL OR revoked > fromUnixTimestamp64Milli({now:Int64})) AND created <= fromUnixTimestamp64Milli({now:Int64}) AND expires > fromUnixTimestamp64Milli({now:Int64})`,
      { now: endMs },
    );
    const perWindow = new Map<string, Array<Decision | undefined>>();
    const slot = (route: string, deployment: string) => {
      const key = JSON.stringify([route, deployment]);
      const s = perWindow.get(key) ?? windows.map(() => undefined);
      perWindow.set(key, s);
      return s;
    };
    for (const r of rows) slot(r.route, r.deployment)[Number(r.w) - 1] = { weight: Number(r.weight), reason: r.reason, detail: r.detail, n: Number(r.n) };
    for (const d of drains) {
      const s = slot(d.route, d.deployment);
      s[0] = { weight: 0, reason: 'drained', detail: `drained by ${d.actor}: ${d.why}`, n: (s[0]?.n ?? 0) + 1 };
    }
    return groupDecisions(rule, perWindow);
  }

  private async query<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  }
}

/** Applies the rule's filters to each deployment's newest decision and folds deployments into groups (lowest weight wins). */
function groupDecisions(rule: AlertRule, perWindow: ReadonlyMap<string, Array<Decision | undefined>>): GroupWindows[] {
  const groups = new Map<string, GroupWindows>();
  for (const [key, decisions] of perWindow) {
    const [route, deployment] = JSON.parse(key) as [string, string];
    const newest = decisions.find((d) => d !== undefined);
    if (!newest || !matchesFilters({ route, deployment, reason: newest.reason }, rule.filters)) continue;
    const dims: Record<string, string> = { route, deployment, reason: newest.reason };
    const labels = Object.fromEntries(rule.group_by.map((d) => [d, dims[d] ?? '']));
    const gkey = JSON.stringify(labels);
    const g = groups.get(gkey) ?? { labels, current: null, baseline: decisions.slice(1).map(() => null) };
    groups.set(gkey, g);
    const now = decisions[0];
    if (now && (g.current === null || now.weight < g.current.value)) {
      g.current = { value: now.weight, volume: (g.current?.volume ?? 0) + now.n };
      g.detail = `${deployment}: ${now.reason}${now.detail ? ` — ${now.detail}` : ''}`;
    }
    decisions.slice(1).forEach((d, i) => {
      if (d && (g.baseline[i] === null || d.weight < g.baseline[i]!)) g.baseline[i] = d.weight;
    });
  }
  return [...groups.values()];
}
