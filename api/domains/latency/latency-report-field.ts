import type { RootField } from '../../schema/domain-module.ts';
import { narrowTeams } from '../../auth/authorize.ts';
import { teamScopeSql } from '../../schema/team-scope.ts';
import { chTime } from '../../schema/time-range.ts';
import { quantiles } from '../../../policy/deployment-evidence-query.ts';
import { groupColumns, latencyDimensions } from './latency-dimensions.ts';
import { readReportRange, reportWindows, type ReportArgs } from './report-range.ts';

export const latencyReportTypeDefs = /* GraphQL */ `
  enum LatencyDimension { ${latencyDimensions.join(' ')} }
  "A window ending now."
  enum ReportWindow { ${Object.keys(reportWindows).join(' ')} }

  "TDigest estimates, ms; null without samples."
  type Percentiles { p50: Float!, p95: Float!, p99: Float! }

  type LatencyGroupValue { dimension: LatencyDimension!, value: String! }

  type LatencyRow {
    "Start of the time bucket; null without bucketSeconds."
    bucket: DateTime
    group: [LatencyGroupValue!]!
    attempts: Int64!
    ok: Int64!
    "Attempt latency of ok attempts."
    latencyMs: Percentiles
    "Time to first token of ok streams."
    ttftMs: Percentiles
    "Time per output token after the first, ok streams."
    timePerOutputTokenMs: Percentiles
  }

  type LatencyReport { from: DateTime!, to: DateTime!, bucketSeconds: Int, rows: [LatencyRow!]! }

  extend type Query {
    """
    p50/p95/p99 of latency, TTFT and time per output token from the per-minute rollup (never raw),
    by provider, deployment, model, route and/or team, over a window ending now or [from, to) (at
    most 31 days; rounded out to whole minutes), optionally per bucket. Only your teams are read.
    """
    latencyReport(window: ReportWindow, from: DateTime, to: DateTime, groupBy: [LatencyDimension!]! = [], bucketSeconds: Int, teams: [String!]): LatencyReport!
  }
`;

type Args = ReportArgs;

type Row = Record<string, string | number | number[]>;

export const latencyReport: RootField<Args> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const range = readReportRange(args, ctx.clock.now());
    const scope = teamScopeSql(narrowTeams(grant, args.teams ?? undefined, 'teams'));
    const cols = groupColumns(args.groupBy, range.bucketS !== null);
    const rows = await ctx.store.rows<Row>(
      `SELECT ${range.bucketS !== null ? 'toStartOfInterval(minute, toIntervalSecond({bucket_s:UInt32})) AS bucket, ' : ''}
         ${cols
           .filter((c) => c !== 'bucket')
           .map((c) => `${c}, `)
           .join('')}
         sum(attempts) AS n_attempts, sum(ok) AS n_ok,
         quantilesTDigestMerge(0.5, 0.95, 0.99)(ok_latency_ms_q) AS latency,
         quantilesTDigestMerge(0.5, 0.95, 0.99)(ttft_ms_q) AS ttft,
         quantilesTDigestMerge(0.5, 0.95, 0.99)(tpot_ms_q) AS tpot
       FROM attempts_per_minute_by_deployment_v2
       WHERE minute >= {from:DateTime} AND minute < {to:DateTime} AND ${scope.sql}
       ${cols.length ? `GROUP BY ${cols.join(', ')} ORDER BY ${cols.join(', ')}` : ''}`,
      { from: chTime(range.fromMs).slice(0, 19), to: chTime(range.toMs).slice(0, 19), bucket_s: range.bucketS ?? 60, ...scope.params },
    );
    return {
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      bucketSeconds: range.bucketS,
      rows: rows
        .filter((r) => Number(r.n_attempts) > 0)
        .map((r) => ({
          bucket: range.bucketS !== null ? new Date(`${String(r.bucket).replace(' ', 'T')}Z`) : null,
          group: latencyDimensions.filter((d) => args.groupBy.includes(d)).map((d) => ({ dimension: d, value: String(r[d]) })),
          attempts: Number(r.n_attempts),
          ok: Number(r.n_ok),
          latencyMs: Number(r.n_ok) > 0 ? quantiles(r.latency) : null,
          ttftMs: quantiles(r.ttft),
          timePerOutputTokenMs: quantiles(r.tpot),
        })),
    };
  },
};
