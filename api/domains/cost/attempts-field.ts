import { formatScaled, toScaled } from '../../../core/money/decimal-usd.ts';
import type { RootField } from '../../schema/domain-module.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../schema/cursor.ts';
import { chTime, readTimeRange } from '../../schema/time-range.ts';
import { filterSql, type CostFilterInput } from './cost-filter.ts';

/** Raw rows are the expensive read: a drill-down spans at most a week. */
export const MAX_DRILL_DAYS = 7;
const OUTCOME_SQL = "if(status = 'rejected' AND budget_decision = 'reject', 'budget_refused', toString(status))";

export const attemptsTypeDefs = /* GraphQL */ `
  type Tag {
    key: String!
    value: String!
  }

  "One provider attempt, as stored (no prompt or completion text)."
  type Attempt {
    attemptId: String!
    requestId: String!
    attemptNo: Int!
    isFinal: Boolean!
    startedAt: DateTime!
    latencyMs: Float!
    ttftMs: Float
    route: String!
    provider: String!
    deployment: String!
    model: String!
    tier: String!
    region: String!
    "ok | error | timeout | rate_limited | cancelled | rejected | budget_refused"
    outcome: String!
    errorClass: String!
    fallbackReason: String!
    team: String!
    project: String!
    feature: String!
    user: String!
    key: String!
    environment: String!
    tags: [Tag!]!
    inputTokens: Int64!
    cachedInputTokens: Int64!
    cacheWriteTokens: Int64!
    outputTokens: Int64!
    reasoningTokens: Int64!
    costUsd: Decimal!
    listCostUsd: Decimal!
  }

  type AttemptPage {
    attempts: [Attempt!]!
    "Pass as after for the next page; null on the last."
    nextCursor: String
  }

  extend type Query {
    "Per-attempt drill-down on raw attempts over [from, to) (at most 7 days), oldest first, paged by cursor. Only your token's teams."
    attempts(from: DateTime!, to: DateTime!, filter: CostFilter, first: Int! = 100, after: String): AttemptPage!
  }
`;

type Row = Record<string, string | number | boolean | null> & { tags_extra: Record<string, string> };

export const attempts: RootField<{ from: unknown; to: unknown; filter?: CostFilterInput | null; first: number; after?: string | null }> = {
  access: { roles: ['viewer', 'finance', 'operator'] },
  resolve: async (args, ctx, grant) => {
    const range = readTimeRange(args, MAX_DRILL_DAYS);
    const first = pageSize(args.first, 1000);
    const filter = filterSql(args.filter, grant, { outcome: OUTCOME_SQL, tags: 'tags_extra' });
    const [afterMs, afterId] = args.after ? decodeCursor(args.after, ['number', 'string']) : [0, ''];
    const rows = await ctx.store.rows<Row>(
      `SELECT toString(attempt_id) AS id, toString(request_id) AS request, attempt_no, is_final, toString(toUnixTimestamp64Milli(started_at)) AS started_ms,
              latency_ms, ttft_ms, route, provider, deployment, model, tier, region, ${OUTCOME_SQL} AS outcome_v, error_class, fallback_reason,
              team, project, feature, user, api_key_id, environment, tags_extra,
              input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
              toString(cost_usd) AS cost, toString(list_cost_usd) AS list_cost
       FROM attempts FINAL
       WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND ${filter.sql}
         AND (toUnixTimestamp64Milli(started_at), toString(attempt_id)) > ({after_ms:Int64}, {after_id:String})
       ORDER BY toUnixTimestamp64Milli(started_at), toString(attempt_id)
       LIMIT {limit:UInt32}`,
      { from: chTime(range.fromMs), to: chTime(range.toMs), after_ms: afterMs, after_id: afterId, limit: first + 1, ...filter.params },
    );
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return { attempts: page.map(toAttempt), nextCursor: rows.length > first && last ? encodeCursor([Number(last.started_ms), String(last.id)]) : null };
  },
};

const usd = (v: unknown) => formatScaled(toScaled(String(v), 12), 12);

function toAttempt(r: Row) {
  return {
    attemptId: r.id,
    requestId: r.request,
    attemptNo: Number(r.attempt_no),
    isFinal: Boolean(r.is_final),
    startedAt: new Date(Number(r.started_ms)),
    latencyMs: Number(r.latency_ms),
    ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
    route: r.route,
    provider: r.provider,
    deployment: r.deployment,
    model: r.model,
    tier: r.tier,
    region: r.region,
    outcome: r.outcome_v,
    errorClass: r.error_class,
    fallbackReason: r.fallback_reason,
    team: r.team,
    project: r.project,
    feature: r.feature,
    user: r.user,
    key: r.api_key_id,
    environment: r.environment,
    tags: Object.entries(r.tags_extra)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value })),
    inputTokens: String(r.input_tokens),
    cachedInputTokens: String(r.cached_input_tokens),
    cacheWriteTokens: String(r.cache_write_tokens),
    outputTokens: String(r.output_tokens),
    reasoningTokens: String(r.reasoning_tokens),
    costUsd: usd(r.cost),
    listCostUsd: usd(r.list_cost),
  };
}
