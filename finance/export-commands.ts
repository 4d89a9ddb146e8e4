import { writeFileSync } from 'node:fs';
import type { ClickHouseClient, ClickHouseTarget } from '../core/clickhouse/client.ts';
import { ConfigError } from '../core/errors.ts';
import { groupName } from '../core/events/attempt-event.ts';
import { findApiError } from '../api/api-errors.ts';
import { readStore } from '../api/read-store.ts';
import { exportFocusToFile } from './focus/focus-export.ts';
import { focusMetadata } from './focus/focus-metadata.ts';
import { readFocusRequest } from './focus/focus-request.ts';
import { monthlyShowback } from './showback/showback.ts';

const FINANCE = { principal: { id: 'cli', role: 'finance' as const, teams: 'all' as const } };

/** Runs `work`, turning a user mistake (ApiError naming an argument) into a CLI error naming the flag. */
async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const known = findApiError(err);
    if (known?.code === 'BAD_USER_INPUT') throw new ConfigError(`--${known.message}`);
    throw err;
  }
}

/**
 * `switchyard export focus`: the FOCUS dataset to `out` and its metadata to `out.metadata.json`.
 * The CLI runs with the operator's access to the store, so it exports every team unless `teams`
 * narrows it. Returns what it wrote.
 */
export async function runFocusExport(
  client: ClickHouseClient,
  target: ClickHouseTarget,
  o: { from: string; to: string; format?: string; period?: string; out: string; teams?: string[]; nowMs: number },
): Promise<{ rows: number; bytes: number; out: string; metadata: string }> {
  return asCli(async () => {
    const request = { ...readFocusRequest(o), teams: o.teams?.length ? o.teams : ('all' as const) };
    const written = await exportFocusToFile({ clickhouse: client, embedded: target.kind === 'embedded' }, request, o.out);
    const metadata = `${o.out}.metadata.json`;
    writeFileSync(metadata, `${JSON.stringify(focusMetadata({ createdAtMs: o.nowMs, format: request.format }), null, 2)}\n`);
    return { ...written, out: o.out, metadata };
  });
}

/** `switchyard export showback --month YYYY-MM`: the per-team summary as CSV (or JSON). */
export async function runShowbackExport(client: ClickHouseClient, o: { month: string; format?: string }): Promise<string> {
  return asCli(async () => {
    const showback = await monthlyShowback(readStore(client), o.month, { ...FINANCE, teams: 'all' });
    // A finance file: the team-less row is named as in the CSV, FOCUS (SubAccountId) and the console.
    if (o.format === 'json') return `${JSON.stringify({ ...showback, teams: showback.teams.map((t) => ({ ...t, team: groupName(t.team) })) }, null, 2)}\n`;
    if (o.format !== undefined && o.format !== 'csv') throw new ConfigError(`--format: csv or json, got "${o.format}"`);
    const header =
      'month,team,cost_usd,list_cost_usd,savings_usd,share_percent,requests,requests_served,attempts,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens';
    const csv = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = showback.teams.map((t) => {
      const m = t.measures;
      return [
        o.month,
        groupName(t.team),
        m.costUsd,
        m.listCostUsd,
        t.savingsUsd,
        t.sharePercent,
        m.requests,
        m.requestsServed,
        m.attempts,
        m.inputTokens,
        m.cachedInputTokens,
        m.cacheWriteTokens,
        m.outputTokens,
        m.reasoningTokens,
      ]
        .map(csv)
        .join(',');
    });
    return `${[header, ...lines].join('\n')}\n`;
  });
}
