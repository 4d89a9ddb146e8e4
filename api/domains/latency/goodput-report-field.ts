import type { RootField } from '../../schema/domain-module.ts';
import { badInput } from '../../api-errors.ts';
import { narrowTeams } from '../../auth/authorize.ts';
import { teamScopeSql } from '../../schema/team-scope.ts';
import { chTime } from '../../schema/time-range.ts';
import { goodput, goodputLatencyBoundsMs, goodputTtftBoundsMs, type GoodputSlo } from '../../../policy/goodput.ts';
import { queryRouteSlos } from '../../../policy/score-history-query.ts';
import { groupColumns, latencyDimensions, type LatencyDimension } from './latency-dimensions.ts';
import { readReportRange, type ReportArgs } from './report-range.ts';

export const goodputReportTypeDefs = /* GraphQL */ `
  "A goodput SLO, ms: latency bounds ${goodputLatencyBoundsMs.join(', ')}; TTFT bounds ${goodputTtftBoundsMs.join(', ')}."
  type GoodputSlo { latencyMs: Int!, ttftMs: Int }
  input GoodputSloInput { latencyMs: Int!, ttftMs: Int }

  type GoodputRow {
    bucket: DateTime
    route: String!
    group: [LatencyGroupValue!]!
    "The SLO applied; null when the route has none (then met, share and perSecond are null)."
    slo: GoodputSlo
    "Requests served (final attempt ok)."
    served: Int64!
    "Served requests meeting the SLO."
    met: Int64
    "met / served."
    share: Float
    "met per second of the range or bucket."
    perSecond: Float
  }

  type GoodputReport { from: DateTime!, to: DateTime!, bucketSeconds: Int, rows: [GoodputRow!]! }

  extend type Query {
    """
    Goodput: requests per route meeting the route's SLO (the routes file's slo, as the policy engine
    last published it, or the slo argument), per second and as a share of served requests, from
    the rollup's latency×TTFT buckets (exact for SLOs on bucket bounds). Always per route; groupBy
    adds deployment, provider, model or team. Only your teams are read.
    """
    goodputReport(window: ReportWindow, from: DateTime, to: DateTime, groupBy: [LatencyDimension!]! = [], bucketSeconds: Int, teams: [String!], slo: GoodputSloInput): GoodputReport!
  }
`;

interface Args extends ReportArgs {
  slo?: { latencyMs: number; ttftMs?: number | null } | null;
}

function readSlo(input: NonNullable<Args['slo']>): GoodputSlo {
  if (!(goodputLatencyBoundsMs as readonly number[]).includes(input.latencyMs))
    throw badInput('slo', `latencyMs must be one of ${goodputLatencyBoundsMs.join(', ')}`);
  const ttft = input.ttftMs ?? null;
  if (ttft !== null && !(goodputTtftBoundsMs as readonly number[]).includes(ttft))
    throw badInput('slo', `ttftMs must be one of ${goodputTtftBoundsMs.join(', ')}`);
  return { latencyMs: input.latencyMs, ttftMs: ttft };
}

type Row = Record<string, string | number> & { buckets: Record<string, string | number> };

export const goodputReport: RootField<Args> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const now = ctx.clock.now();
    const fixed = args.slo ? readSlo(args.slo) : null;
    const range = readReportRange(args, now);
    const scope = teamScopeSql(narrowTeams(grant, args.teams ?? undefined, 'teams'));
    const dims: LatencyDimension[] = ['route', ...args.groupBy.filter((d) => d !== 'route')];
    const cols = groupColumns(dims, range.bucketS !== null);
    const [rows, slos] = await Promise.all([
      ctx.store.rows<Row>(
        `SELECT ${range.bucketS !== null ? 'toStartOfInterval(minute, toIntervalSecond({bucket_s:UInt32})) AS bucket, ' : ''}
           ${cols.filter((c) => c !== 'bucket').join(', ')}, sumMap(served_by_latency_ttft) AS buckets
         FROM attempts_per_minute_by_deployment_v2
         WHERE minute >= {from:DateTime} AND minute < {to:DateTime} AND ${scope.sql}
         GROUP BY ${cols.join(', ')} ORDER BY ${cols.join(', ')}`,
        { from: chTime(range.fromMs).slice(0, 19), to: chTime(range.toMs).slice(0, 19), bucket_s: range.bucketS ?? 60, ...scope.params },
      ),
      fixed ? Promise.resolve(null) : queryRouteSlos(ctx.store.rows, now - 86_400_000, now),
    ]);
    const seconds = range.bucketS ?? (range.toMs - range.fromMs) / 1000;
    return {
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      bucketSeconds: range.bucketS,
      rows: rows.map((r) => {
        const route = String(r.route);
        const slo = fixed ?? slos?.get(route) ?? null;
        const buckets = Object.fromEntries(Object.entries(r.buckets).map(([k, v]) => [k, Number(v)]));
        const g = goodput(buckets, slo ?? { latencyMs: Infinity, ttftMs: null }, seconds);
        return {
          bucket: range.bucketS !== null ? new Date(`${String(r.bucket).replace(' ', 'T')}Z`) : null,
          route,
          group: latencyDimensions.filter((d) => d !== 'route' && dims.includes(d)).map((d) => ({ dimension: d, value: String(r[d]) })),
          slo,
          served: g.served,
          met: slo ? g.met : null,
          share: slo ? g.share : null,
          perSecond: slo ? g.perSecond : null,
        };
      }),
    };
  },
};
