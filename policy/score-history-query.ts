import type { RowReader } from './row-reader.ts';
import { chTime } from './row-reader.ts';

/** CRAFT scores and weight of one deployment averaged over one time bucket. */
export interface ScorePoint {
  deployment: string;
  /** Bucket start, ms since epoch. */
  bucketStartMs: number;
  composite: number;
  cost: number;
  reliability: number;
  availability: number;
  flexibility: number;
  trust: number;
  weight: number;
  /** The reason most evaluations in the bucket gave. */
  reason: string;
  evaluations: number;
}

/**
 * Score history of a route (optionally one deployment) over [fromMs, toMs) from
 * `routing_decisions_v1`, averaged per `bucketS`-second bucket, oldest first.
 */
export async function queryScoreHistory(
  rows: RowReader,
  route: string,
  deployment: string | null,
  fromMs: number,
  toMs: number,
  bucketS: number,
): Promise<ScorePoint[]> {
  type Row = Record<string, string | number>;
  const found = await rows<Row>(
    `SELECT deployment, toUnixTimestamp(toStartOfInterval(computed_at, toIntervalSecond({bucket_s:UInt32}))) AS bucket,
       avg(composite) AS composite, avg(cost) AS cost, avg(reliability) AS reliability, avg(availability) AS availability,
       avg(flexibility) AS flexibility, avg(trust) AS trust, avg(weight) AS weight, topK(1)(reason)[1] AS reason, count() AS evaluations
     FROM routing_decisions_v1
     WHERE route = {route:String} AND ({deployment:String} = '' OR deployment = {deployment:String})
       AND computed_at >= {from:DateTime64(3, 'UTC')} AND computed_at < {to:DateTime64(3, 'UTC')}
     GROUP BY deployment, bucket
     ORDER BY bucket, deployment`,
    { route, deployment: deployment ?? '', from: chTime(fromMs), to: chTime(toMs), bucket_s: bucketS },
  );
  const n = (r: Row, k: string) => Math.round(Number(r[k]) * 10_000) / 10_000;
  return found.map((r) => ({
    deployment: String(r.deployment),
    bucketStartMs: Number(r.bucket) * 1000,
    composite: n(r, 'composite'),
    cost: n(r, 'cost'),
    reliability: n(r, 'reliability'),
    availability: n(r, 'availability'),
    flexibility: n(r, 'flexibility'),
    trust: n(r, 'trust'),
    weight: n(r, 'weight'),
    reason: String(r.reason),
    evaluations: Number(r.evaluations),
  }));
}

/** The goodput SLO each route had at its latest evaluation in [fromMs, toMs]. */
export async function queryRouteSlos(rows: RowReader, fromMs: number, toMs: number): Promise<Map<string, { latencyMs: number; ttftMs: number | null }>> {
  const found = await rows<{ route: string; latency: number | null; ttft: number | null }>(
    `SELECT route, argMax(slo_latency_ms, computed_at) AS latency, argMax(slo_ttft_ms, computed_at) AS ttft
     FROM routing_decisions_v1
     WHERE computed_at >= {from:DateTime64(3, 'UTC')} AND computed_at <= {to:DateTime64(3, 'UTC')}
     GROUP BY route`,
    { from: chTime(fromMs), to: chTime(toMs) },
  );
  const out = new Map<string, { latencyMs: number; ttftMs: number | null }>();
  for (const r of found) if (r.latency !== null) out.set(r.route, { latencyMs: Number(r.latency), ttftMs: r.ttft === null ? null : Number(r.ttft) });
  return out;
}
